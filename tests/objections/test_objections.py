"""Objections (sanggah): one per participant with a bid, during Masa Sanggah, with
checked attachments; the Pokja's one answer; the effects of an upheld objection; the
public page after the period; another portal's tender is never found."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.objections.models import Decision, Objection, ObjectionAttachment, Outcome
from inaproc.objections.services.objections import (
    ObjectionRefused,
    objection_answer,
    objection_file,
)
from inaproc.tenders.models import FailureReason, Package, PackageState
from inaproc.translog.models import LogEntry
from tests.helpers import signed_in
from tests.objections.factories import (
    REEVALUATIONS,
    TEST_HOOK,
    make_bidder,
    objection_tender,
    objection_window,
    runners,
)
from tests.tenders.participation_factories import make_vendor
from tests.vendors.builders import checked, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(portal_a):
    return objection_tender(portal_a)


def _page(package):
    return f"/{package.portal.slug}/perusahaan/tender/{package.code}/sanggah/"


def _file(member, participation, reasons="Harga pemenang di bawah 80% HPS.", uploads=()):
    return objection_file(
        participation=participation, member=member, reasons=reasons, uploads=list(uploads)
    )


def test_a_bidder_files_an_objection_with_a_pdf_and_the_pokja_is_emailed(tender):
    """The form stores the reasons and the checked file, audits, and tells the Pokja."""
    member, participation = make_bidder(tender)
    response = signed_in(member.user).post(
        _page(tender) + "kirim/",
        {"reasons": "Evaluasi teknis keliru.", "attachments": upload("bukti.pdf")},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.participation == participation
    assert objection.reasons == "Evaluasi teknis keliru."
    assert ObjectionAttachment.objects.filter(objection=objection).count() == 1
    assert AuditEvent.objects.filter(verb="tender.objection_filed").count() == 1
    assert Email.objects.filter(template="objections/email/filed").count() == 3


def test_a_file_that_is_not_a_document_is_refused_and_nothing_saved(tender, english):
    """Attachments are checked by content like every document."""
    member, _participation = make_bidder(tender)
    response = signed_in(member.user, english=True).post(
        _page(tender) + "kirim/",
        {"reasons": "Keberatan.", "attachments": upload("bukti.pdf", b"not a pdf at all")},
    )
    assert response.status_code == 200
    assert "bukti.pdf" in response.content.decode()
    assert not Objection.objects.exists()


def test_empty_reasons_are_refused_with_a_message(tender, english):
    member, _participation = make_bidder(tender)
    response = signed_in(member.user, english=True).post(_page(tender) + "kirim/", {"reasons": " "})
    assert response.status_code == 200
    assert "Write the reasons for your objection." in response.content.decode()
    assert not Objection.objects.exists()


def test_a_company_that_is_not_a_participant_cannot_reach_the_objection_page(tender):
    """A non-participant gets the same 404 as a missing tender, and files nothing."""
    outsider = make_vendor(tender.portal)
    client = signed_in(outsider.user)
    assert client.get(_page(tender)).status_code == 404
    assert client.post(_page(tender) + "kirim/", {"reasons": "x"}).status_code == 404
    assert not Objection.objects.exists()


def test_a_participant_without_a_submitted_bid_is_refused(tender):
    member, participation = make_bidder(tender, bid=False)
    with pytest.raises(ObjectionRefused, match="submitted a bid"):
        _file(member, participation)
    assert not Objection.objects.exists()


def test_a_second_objection_of_the_same_company_is_refused(tender):
    member, participation = make_bidder(tender)
    _file(member, participation)
    with pytest.raises(ObjectionRefused, match="already filed"):
        _file(member, participation, reasons="Lagi.")
    assert Objection.objects.count() == 1


def test_a_second_user_of_the_company_cannot_file_another(tender):
    member, participation = make_bidder(tender)
    colleague = make_vendor(tender.portal, role="bid_preparer", company=member.company)
    _file(member, participation)
    with pytest.raises(ObjectionRefused, match="already filed"):
        _file(colleague, participation)


def test_objections_before_or_after_masa_sanggah_are_refused(tender):
    member, participation = make_bidder(tender)
    now = timezone.now()
    objection_window(tender, starts=now + timedelta(hours=1), ends=now + timedelta(days=2))
    with pytest.raises(ObjectionRefused, match="during Masa Sanggah"):
        _file(member, participation)
    objection_window(tender, starts=now - timedelta(days=3), ends=now - timedelta(minutes=1))
    with pytest.raises(ObjectionRefused, match="during Masa Sanggah"):
        _file(member, participation)
    assert not Objection.objects.exists()


def test_a_viewer_reads_but_cannot_file(tender):
    admin, participation = make_bidder(tender)
    viewer = make_vendor(tender.portal, role="viewer", company=admin.company)
    client = signed_in(viewer.user)
    assert client.get(_page(tender)).status_code == 200
    assert client.post(_page(tender) + "kirim/", {"reasons": "x"}).status_code == 403
    with pytest.raises(ObjectionRefused):
        _file(viewer, participation)
    assert not Objection.objects.exists()


def test_a_rejected_answer_is_recorded_logged_and_emailed_to_the_objector(tender):
    member, participation = make_bidder(tender)
    objection = _file(member, participation)
    runner = runners(tender)[0]
    objection_answer(
        objection=objection, user=runner, decision=Decision.REJECTED, answer="Sudah sesuai."
    )
    objection.refresh_from_db()
    assert (objection.decision, objection.answer, objection.answered_by) == (
        Decision.REJECTED,
        "Sudah sesuai.",
        runner,
    )
    assert LogEntry.objects.filter(kind="tender.objection_answered").count() == 1
    assert AuditEvent.objects.filter(verb="tender.objection_answered").count() == 1
    answered = Email.objects.filter(template="objections/email/answered")
    assert sorted(answered.values_list("to", flat=True)) == sorted(
        {member.company.email, member.user.email}
    )


def test_answering_twice_is_refused(tender):
    member, participation = make_bidder(tender)
    objection = _file(member, participation)
    first, second = runners(tender)[:2]
    objection_answer(objection=objection, user=first, decision=Decision.REJECTED, answer="Tidak.")
    with pytest.raises(ObjectionRefused, match="already been answered"):
        objection_answer(
            objection=objection,
            user=second,
            decision=Decision.ACCEPTED,
            answer="Ya.",
            outcome=Outcome.REEVALUATE,
        )
    objection.refresh_from_db()
    assert objection.decision == Decision.REJECTED
    assert AuditEvent.objects.filter(verb="tender.objection_answered").count() == 1


def test_an_answer_needs_reasons_and_an_accepted_one_its_effect(tender):
    member, participation = make_bidder(tender)
    objection = _file(member, participation)
    runner = runners(tender)[0]
    with pytest.raises(ObjectionRefused, match="reasons"):
        objection_answer(objection=objection, user=runner, decision=Decision.REJECTED, answer=" ")
    with pytest.raises(ObjectionRefused, match="evaluate again or fail"):
        objection_answer(objection=objection, user=runner, decision=Decision.ACCEPTED, answer="Ya")
    with pytest.raises(ObjectionRefused, match="accepted or rejected"):
        objection_answer(objection=objection, user=runner, decision="maybe", answer="Ya")
    objection.refresh_from_db()
    assert objection.answered_at is None


def test_only_a_runner_of_the_tender_answers(tender, portal_a):
    member, participation = make_bidder(tender)
    objection = _file(member, participation)
    stranger = runners(objection_tender(portal_a))[0]
    with pytest.raises(ObjectionRefused, match="cannot answer"):
        objection_answer(objection=objection, user=stranger, decision="rejected", answer="x")
    response = signed_in(stranger).post(
        f"/{portal_a.slug}/staf/paket/{tender.pk}/sanggah/{objection.pk}/jawab/",
        {"decision": "rejected", "reasons": "x"},
    )
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.answered_at is None


def test_an_upheld_objection_sent_back_to_evaluation_calls_the_hooks(tender, settings):
    """TENDER_REEVALUATION_HOOKS are called with the package, the actor and the reasons."""
    settings.TENDER_REEVALUATION_HOOKS = [TEST_HOOK]
    REEVALUATIONS.clear()
    member, participation = make_bidder(tender)
    objection = _file(member, participation)
    runner = runners(tender)[0]
    objection_answer(
        objection=objection,
        user=runner,
        decision=Decision.ACCEPTED,
        answer="Evaluasi diulang.",
        outcome=Outcome.REEVALUATE,
    )
    assert [(tender.pk, runner.pk, "Evaluasi diulang.")] == REEVALUATIONS
    assert Package.objects.get(pk=tender.pk).state == PackageState.PUBLISHED


def test_an_upheld_objection_that_fails_the_tender_fails_it_and_emails_everyone(tender):
    member, participation = make_bidder(tender)
    other, _ = make_bidder(tender)
    objection = _file(member, participation)
    objection_answer(
        objection=objection,
        user=runners(tender)[0],
        decision=Decision.ACCEPTED,
        answer="Dokumen pemilihan cacat.",
        outcome=Outcome.FAIL,
    )
    package = Package.objects.get(pk=tender.pk)
    assert package.state == PackageState.FAILED
    assert package.failure_reason == FailureReason.OBJECTION_UPHELD
    assert package.failure_note == "Dokumen pemilihan cacat."
    failed_to = set(
        Email.objects.filter(template="tenders/email/failed").values_list("to", flat=True)
    )
    assert {member.user.email, other.user.email} <= failed_to


def test_the_answer_page_answers_once_through_the_form(tender, english):
    member, participation = make_bidder(tender)
    objection = _file(member, participation)
    client = signed_in(runners(tender)[0], english=True)
    page = f"/{tender.portal.slug}/staf/paket/{tender.pk}/sanggah/"
    assert member.company.name in client.get(page).content.decode()
    response = client.post(
        f"{page}{objection.pk}/jawab/", {"decision": "accepted", "reasons": "Ya"}
    )
    assert response.status_code == 200
    assert "Choose what happens to the tender" in response.content.decode()
    response = client.post(
        f"{page}{objection.pk}/jawab/", {"decision": "rejected", "reasons": "Tidak beralasan."}
    )
    assert response.status_code == 302
    response = client.post(
        f"{page}{objection.pk}/jawab/", {"decision": "accepted", "reasons": "Ya", "outcome": "fail"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.decision == Decision.REJECTED
    assert Package.objects.get(pk=tender.pk).state == PackageState.PUBLISHED


def test_the_public_page_shows_objections_and_answers_only_after_the_period(tender, english):
    """During Masa Sanggah: nothing; after it: the objector's company, reasons, answer."""
    member, participation = make_bidder(tender)
    objection = _file(member, participation, reasons="Keberatan atas evaluasi.")
    objection_answer(
        objection=objection, user=runners(tender)[0], decision="rejected", answer="Ditolak karena."
    )
    url = f"/{tender.portal.slug}/tender/{tender.code}/sanggah/"
    client = Client()
    client.cookies["inaproc_language"] = "en"
    during = client.get(url).content.decode()
    assert "Keberatan atas evaluasi." not in during
    assert member.company.name not in during
    now = timezone.now()
    objection_window(tender, starts=now - timedelta(days=3), ends=now - timedelta(minutes=1))
    after = client.get(url).content.decode()
    assert member.company.name in after
    assert "Keberatan atas evaluasi." in after
    assert "Ditolak karena." in after


def test_another_portals_tender_is_not_found(tender, portal_b):
    """Vendor, staff and public pages of portal B never find portal A's tender."""
    member_b, _participation = make_bidder(objection_tender(portal_b))
    assert (
        signed_in(member_b.user)
        .get(f"/{portal_b.slug}/perusahaan/tender/{tender.code}/sanggah/")
        .status_code
        == 404
    )
    assert Client().get(f"/{portal_b.slug}/tender/{tender.code}/sanggah/").status_code == 404
    runner_b = runners(objection_tender(portal_b))[0]
    assert (
        signed_in(runner_b).get(f"/{portal_b.slug}/staf/paket/{tender.pk}/sanggah/").status_code
        == 404
    )


def test_the_objector_downloads_its_attachment_and_another_company_cannot(tender):
    member, participation = make_bidder(tender)
    objection = _file(member, participation, uploads=[checked("objection", "bukti.pdf")])
    attachment = objection.attachments.get()
    url = _page(tender) + f"lampiran/{attachment.pk}/"
    assert signed_in(member.user).get(url).status_code == 200
    other, _ = make_bidder(tender)
    assert signed_in(other.user).get(url).status_code == 404
    runner = runners(tender)[0]
    staff_url = (
        f"/{tender.portal.slug}/staf/paket/{tender.pk}/sanggah/{objection.pk}/lampiran/"
        f"{attachment.pk}/"
    )
    assert signed_in(runner).get(staff_url).status_code == 200


def test_my_tenders_shows_the_window_then_the_objection(tender, english):
    member, participation = make_bidder(tender)
    client = signed_in(member.user, english=True)
    url = f"/{tender.portal.slug}/perusahaan/tender/"
    assert "Objections may be filed until" in client.get(url).content.decode()
    _file(member, participation)
    assert "Objection filed, awaiting the answer" in client.get(url).content.decode()
