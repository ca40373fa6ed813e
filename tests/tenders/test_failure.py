"""A failed tender (tender gagal): declared by a quorum of the Pokja (a Pejabat
Pengadaan alone) with a reason from the list; emailed, audited, logged, public; and its
repeat (tender ulang) by the PPK, a new draft linked both ways."""

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.reference.models import Kbli
from inaproc.tenders.models import FailureApproval, FailureReason, Package, PackageState
from inaproc.tenders.services.failure import (
    FailureRefused,
    tender_fail,
    tender_failure_approve,
    tender_repeat,
)
from inaproc.tenders.services.packages import package_locations_set
from inaproc.translog.models import LogEntry
from tests.helpers import signed_in
from tests.objections.factories import make_bidder
from tests.tenders.factories import make_official
from tests.tenders.factories import make_package as make_full_package
from tests.tenders.participation_factories import make_package, make_pokja, published_tender

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """The refusals are matched by their English words (the source language)."""


@pytest.fixture
def tender(portal_a):
    package = published_tender(portal_a, tender_keys=False)
    return package, [m.user for m in package.pokja.members.order_by("pk")]


def test_a_quorum_of_the_pokja_fails_the_tender_once(tender):
    """The first member proposes, the second confirms: failed, emailed, audited, logged."""
    package, members = tender
    member, _participation = make_bidder(package)
    assert not tender_failure_approve(
        package=package, user=members[0], reason=FailureReason.FEW_BIDS, note="Hanya satu."
    )
    assert Package.objects.get(pk=package.pk).state == PackageState.PUBLISHED
    assert tender_failure_approve(package=package, user=members[1])
    package.refresh_from_db()
    assert package.state == PackageState.FAILED
    assert (package.failure_reason, package.failure_note) == (FailureReason.FEW_BIDS, "Hanya satu.")
    assert AuditEvent.objects.filter(verb="tender.failed").count() == 1
    assert LogEntry.objects.filter(kind="tender.failed").count() == 1
    sent = set(Email.objects.filter(template="tenders/email/failed").values_list("to", flat=True))
    assert member.user.email in sent
    with pytest.raises(FailureRefused, match="already failed"):
        tender_failure_approve(package=package, user=members[2])
    assert AuditEvent.objects.filter(verb="tender.failed").count() == 1


def test_a_reason_is_required_and_other_needs_an_explanation(tender):
    package, members = tender
    with pytest.raises(FailureRefused, match="Choose the reason"):
        tender_failure_approve(package=package, user=members[0], reason="")
    with pytest.raises(FailureRefused, match="Explain"):
        tender_failure_approve(package=package, user=members[0], reason=FailureReason.OTHER)
    assert not FailureApproval.objects.exists()


def test_a_member_approves_once_and_a_stranger_not_at_all(tender, portal_a):
    package, members = tender
    tender_failure_approve(package=package, user=members[0], reason=FailureReason.NONE_PASSED)
    with pytest.raises(FailureRefused, match="already approved"):
        tender_failure_approve(package=package, user=members[0])
    _pokja, strangers = make_pokja(portal_a)
    with pytest.raises(FailureRefused, match="cannot declare"):
        tender_failure_approve(package=package, user=strangers[0])
    assert FailureApproval.objects.count() == 1


def test_a_cancelled_or_unpublished_tender_cannot_fail(portal_a):
    pokja, members = make_pokja(portal_a)
    cancelled = make_package(portal_a, pokja=pokja, state=PackageState.CANCELLED, tender_keys=False)
    assigned = make_package(portal_a, pokja=pokja, tender_keys=False)
    for package in (cancelled, assigned):
        with pytest.raises(FailureRefused, match="Only a published tender"):
            tender_failure_approve(
                package=package, user=members[0], reason=FailureReason.BUDGET_WITHDRAWN
            )
        with pytest.raises(FailureRefused, match="Only a published tender"):
            tender_fail(
                package=package, reason=FailureReason.OBJECTION_UPHELD, note="x", actor=None
            )
    assert Package.objects.filter(state=PackageState.FAILED).count() == 0


def test_a_pejabat_pengadaan_alone_fails_a_non_tender_package(portal_a):
    official = make_official(portal_a, Role.PEJABAT_PENGADAAN)
    package = make_full_package(
        portal_a,
        state=PackageState.PUBLISHED,
        pejabat_pengadaan=official,
        selection_method="pengadaan_langsung",
    )
    assert tender_failure_approve(
        package=package, user=official, reason=FailureReason.BUDGET_WITHDRAWN
    )
    assert Package.objects.get(pk=package.pk).state == PackageState.FAILED


def test_the_failure_page_proposes_then_confirms(tender, english):
    package, members = tender
    url = f"/{package.portal.slug}/staf/paket/{package.pk}/gagal/"
    first = signed_in(members[0], english=True)
    assert first.get(url).status_code == 200
    response = first.post(url, {"reason": "other", "note": ""})
    assert response.status_code == 200
    assert "Explain the other reason" in response.content.decode()
    assert first.post(url, {"reason": "none_passed", "note": "Semua gugur."}).status_code == 302
    assert signed_in(members[1]).post(url, {}).status_code == 302
    assert Package.objects.get(pk=package.pk).state == PackageState.FAILED


def test_the_public_pages_and_my_tenders_show_tender_gagal_with_the_reason(tender, english):
    package, members = tender
    member, _participation = make_bidder(package)
    tender_fail(package=package, reason=FailureReason.NONE_PASSED, note="Semua gugur.", actor=None)
    client = Client()
    client.cookies["inaproc_language"] = "en"
    page = client.get(f"/{package.portal.slug}/tender/{package.code}/").content.decode()
    assert "Tender Gagal" in page
    assert "No bid passed the evaluation" in page
    assert "Semua gugur." in page
    listing = client.get(f"/{package.portal.slug}/tender/").content.decode()
    assert "Tender failed" in listing
    mine = signed_in(member.user, english=True).get(f"/{package.portal.slug}/perusahaan/tender/")
    assert "Tender Gagal" in mine.content.decode()


def test_the_ppk_repeats_a_failed_tender_as_a_linked_draft_once(portal_a):
    package = make_full_package(portal_a, state=PackageState.PUBLISHED)
    package_locations_set(package, [("bali", "Denpasar"), ("jawa_barat", "Bogor")])
    kbli = Kbli.objects.first()
    if kbli is not None:
        package.kbli.add(kbli)
    tender_fail(package=package, reason=FailureReason.FEW_BIDS, note="", actor=None)
    repeat = tender_repeat(package=package, user=package.ppk)
    assert repeat.state == PackageState.DRAFT
    assert repeat.repeat_of == package
    assert repeat.code != package.code
    assert (repeat.name, repeat.hps, repeat.procurement_type) == (
        package.name,
        package.hps,
        package.procurement_type,
    )
    assert list(repeat.locations.values_list("province", "city")) == list(
        package.locations.values_list("province", "city")
    )
    assert repeat.provinces == package.provinces == ["bali", "jawa_barat"]
    assert set(repeat.kbli.all()) == set(package.kbli.all())
    assert list(package.repeats.all()) == [repeat]
    assert AuditEvent.objects.filter(verb="tender.repeated").count() == 1
    with pytest.raises(FailureRefused, match="already been repeated"):
        tender_repeat(package=package, user=package.ppk)


def test_a_tender_that_has_not_failed_is_not_repeated_nor_by_another_ppk(portal_a):
    published = make_full_package(portal_a, state=PackageState.PUBLISHED)
    with pytest.raises(FailureRefused, match="Only a failed tender"):
        tender_repeat(package=published, user=published.ppk)
    tender_fail(package=published, reason=FailureReason.FEW_BIDS, note="", actor=None)
    other_ppk = make_official(portal_a, Role.PPK)
    with pytest.raises(FailureRefused, match="Only the package's PPK"):
        tender_repeat(package=published, user=other_ppk)
    url = f"/{portal_a.slug}/staf/paket/{published.pk}/ulang/"
    assert signed_in(other_ppk).post(url).status_code == 404
    assert not Package.objects.filter(repeat_of=published).exists()
    response = signed_in(published.ppk).post(url)
    assert response.status_code == 302
    assert Package.objects.filter(repeat_of=published).count() == 1


def test_another_portals_failed_tender_is_not_found(tender, portal_b):
    package, members = tender
    tender_fail(package=package, reason=FailureReason.FEW_BIDS, note="", actor=None)
    ppk_b = make_official(portal_b, Role.PPK)
    assert (
        signed_in(ppk_b).post(f"/{portal_b.slug}/staf/paket/{package.pk}/ulang/").status_code == 404
    )
    assert Client().get(f"/{portal_b.slug}/tender/{package.code}/").status_code == 404
