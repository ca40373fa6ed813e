"""Sanggah banding (construction only, of a rejected objection, decided for the budget
holder by the PPK or a portal administrator) and `objection_block`, which the award
letter asks before it may be issued."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.objections.models import Appeal, Decision, Outcome
from inaproc.objections.selectors import objection_block
from inaproc.objections.services.appeals import appeal_decide, appeal_file
from inaproc.objections.services.objections import (
    ObjectionRefused,
    objection_answer,
    objection_file,
)
from inaproc.tenders.models import Package, PackageState
from inaproc.translog.models import LogEntry
from tests.factories import make_user
from tests.helpers import signed_in
from tests.objections.factories import (
    REEVALUATIONS,
    TEST_HOOK,
    make_bidder,
    objection_tender,
    objection_window,
    runners,
)

pytestmark = pytest.mark.django_db


def _rejected(package, reasons="Keberatan."):
    member, participation = make_bidder(package)
    objection = objection_file(
        participation=participation, member=member, reasons=reasons, uploads=[]
    )
    objection_answer(
        objection=objection, user=runners(package)[0], decision="rejected", answer="Ditolak."
    )
    objection.refresh_from_db()
    return member, objection


def _end_window(package):
    now = timezone.now()
    objection_window(package, starts=now - timedelta(days=3), ends=now - timedelta(minutes=1))


def test_the_objector_of_a_rejected_construction_objection_appeals(portal_a):
    package = objection_tender(portal_a)
    member, objection = _rejected(package)
    response = signed_in(member.user).post(
        f"/{portal_a.slug}/perusahaan/tender/{package.code}/sanggah/banding/",
        {"reasons": "Jawaban Pokja keliru."},
    )
    assert response.status_code == 302
    assert Appeal.objects.get().objection == objection


def test_no_appeal_outside_construction_of_an_accepted_objection_or_twice(portal_a, settings):
    settings.TENDER_REEVALUATION_HOOKS = []
    goods = objection_tender(portal_a, procurement_type="barang")
    member, objection = _rejected(goods)
    with pytest.raises(ObjectionRefused):
        appeal_file(objection=objection, member=member, reasons="Banding.")
    works = objection_tender(portal_a)
    member, participation = make_bidder(works)
    accepted = objection_file(participation=participation, member=member, reasons="x", uploads=[])
    objection_answer(
        objection=accepted,
        user=runners(works)[0],
        decision="accepted",
        answer="Ya.",
        outcome=Outcome.REEVALUATE,
    )
    accepted.refresh_from_db()
    with pytest.raises(ObjectionRefused):
        appeal_file(objection=accepted, member=member, reasons="Banding.")
    member, rejected = _rejected(works)
    appeal_file(objection=rejected, member=member, reasons="Banding.")
    with pytest.raises(ObjectionRefused):
        appeal_file(objection=rejected, member=member, reasons="Lagi.")
    assert Appeal.objects.count() == 1


def test_an_appeal_after_its_period_is_refused(portal_a, settings):
    settings.APPEAL_FILING_DAYS = 5
    package = objection_tender(portal_a)
    member, objection = _rejected(package)
    type(objection).objects.filter(pk=objection.pk).update(
        answered_at=timezone.now() - timedelta(days=6)
    )
    objection.refresh_from_db()
    with pytest.raises(ObjectionRefused):
        appeal_file(objection=objection, member=member, reasons="Terlambat.")


def test_the_ppk_or_a_portal_admin_records_the_decision_not_a_pokja_member(portal_a, settings):
    settings.TENDER_REEVALUATION_HOOKS = [TEST_HOOK]
    REEVALUATIONS.clear()
    package = objection_tender(portal_a)
    member, objection = _rejected(package)
    appeal = appeal_file(objection=objection, member=member, reasons="Banding.")
    url = f"/{portal_a.slug}/staf/paket/{package.pk}/sanggah-banding/"
    assert signed_in(runners(package)[0]).get(url).status_code in (403, 404)
    with pytest.raises(ObjectionRefused, match="cannot record"):
        appeal_decide(appeal=appeal, user=runners(package)[0], decision="rejected", reasons="x")
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN)
    assert signed_in(package.ppk).get(url).status_code == 200
    response = signed_in(admin).post(
        f"{url}{appeal.pk}/putuskan/",
        {"decision": "accepted", "outcome": "reevaluate", "reasons": "PA menerima banding."},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.decision, appeal.decided_by) == (Decision.ACCEPTED, admin)
    assert [(package.pk, admin.pk, "PA menerima banding.")] == REEVALUATIONS
    assert LogEntry.objects.filter(kind="tender.appeal_decided").count() == 1
    with pytest.raises(ObjectionRefused, match="already been decided"):
        appeal_decide(appeal=appeal, user=package.ppk, decision="rejected", reasons="x")


def test_an_upheld_appeal_may_fail_the_tender(portal_a):
    package = objection_tender(portal_a)
    member, objection = _rejected(package)
    appeal = appeal_file(objection=objection, member=member, reasons="Banding.")
    appeal_decide(
        appeal=appeal, user=package.ppk, decision="accepted", reasons="Gagal.", outcome="fail"
    )
    assert Package.objects.get(pk=package.pk).state == PackageState.FAILED


def test_objection_block_until_the_period_ends_answers_and_appeals_are_done(portal_a):
    """Each reason in turn, then None."""
    package = objection_tender(portal_a)
    now = timezone.now()
    assert "has not ended" in objection_block(package, now=now)
    member, participation = make_bidder(package)
    objection = objection_file(participation=participation, member=member, reasons="x", uploads=[])
    _end_window(package)
    package = Package.objects.get(pk=package.pk)
    assert "not been answered" in objection_block(package, now=timezone.now())
    objection_answer(objection=objection, user=runners(package)[0], decision="rejected", answer="y")
    assert "appeal period" in objection_block(package, now=timezone.now())
    appeal = appeal_file(objection=objection, member=member, reasons="z")
    assert "not been decided" in objection_block(package, now=timezone.now())
    appeal_decide(appeal=appeal, user=package.ppk, decision="rejected", reasons="no")
    assert objection_block(package, now=timezone.now()) is None


def test_objection_block_without_objections_ends_with_the_period_and_a_failed_tender_blocks(
    portal_a,
):
    package = objection_tender(portal_a, running=False, procurement_type="barang")
    assert objection_block(package, now=timezone.now()) is None
    member, objection = _rejected(objection_tender(portal_a, procurement_type="barang"))
    goods = objection.package
    _end_window(goods)
    assert objection_block(Package.objects.get(pk=goods.pk), now=timezone.now()) is None
    Package.objects.filter(pk=goods.pk).update(state=PackageState.FAILED)
    assert "failed" in objection_block(Package.objects.get(pk=goods.pk), now=timezone.now())
    Package.objects.filter(pk=goods.pk).update(state=PackageState.CANCELLED)
    assert "cancelled" in objection_block(Package.objects.get(pk=goods.pk), now=timezone.now())


def test_the_appeal_period_after_the_answer_blocks_until_it_ends(portal_a, settings):
    settings.APPEAL_FILING_DAYS = 5
    package = objection_tender(portal_a)
    _member, objection = _rejected(package)
    _end_window(package)
    package = Package.objects.get(pk=package.pk)
    later = objection.answered_at + timedelta(days=5, minutes=1)
    assert "appeal period" in objection_block(package, now=timezone.now())
    assert objection_block(package, now=later) is None
