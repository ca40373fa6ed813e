"""Publication by a quorum of the Pokja (or the Pejabat Pengadaan alone), the blockers,
and cancelling a published tender."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import (
    Package,
    PackageState,
    Participation,
    PublicationApproval,
    ScheduleStage,
    TenderDocument,
)
from inaproc.tenders.services.publication import (
    PublicationRefused,
    publication_approve,
    publication_blockers,
    tender_cancel,
)
from tests.bids.factories import make_tender_keys
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.participation_factories import (
    make_package,
    make_pokja,
    make_vendor,
    published_tender,
)

pytestmark = pytest.mark.django_db


def _url(package, action=""):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/{action}"


def test_a_ready_package_has_no_blockers(portal_a):
    pokja, _ = make_pokja(portal_a)
    assert publication_blockers(make_package(portal_a, pokja=pokja)) == []


def test_blockers_name_a_missing_schedule_and_missing_documents(portal_a, english):
    pokja, _ = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja, schedule=False, document=False)
    assert publication_blockers(package) == [
        "The schedule is not complete: every stage needs a start and an end.",
        "No Dokumen Pemilihan has been uploaded.",
    ]


def test_a_schedule_with_an_ended_stage_or_a_long_begun_start_blocks(portal_a, english):
    pokja, _ = make_pokja(portal_a)
    now = timezone.now()
    ended = make_package(portal_a, pokja=pokja, start=now - timedelta(days=3))
    assert publication_blockers(ended) == [
        "A stage of the schedule has already ended: move the schedule first."
    ]
    begun = make_package(
        portal_a,
        pokja=pokja,
        start=now - timedelta(hours=30),
        clarification=(now + timedelta(hours=1), now + timedelta(days=1)),
    )
    assert publication_blockers(begun) == [
        "The first stage began more than a day ago: move the schedule first."
    ]


def test_the_quorum_publishes_and_audits_and_emails_the_ppk(portal_a):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)

    assert publication_approve(package=package, user=members[0]) is False
    package.refresh_from_db()
    assert package.state == PackageState.ASSIGNED
    assert publication_approve(package=package, user=members[1]) is True

    package.refresh_from_db()
    assert package.state == PackageState.PUBLISHED
    assert package.published_at is not None
    verbs = list(
        AuditEvent.objects.filter(target_id=str(package.pk), verb__startswith="tender.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "tender.publication_approved",
        "tender.publication_approved",
        "tender.published",
    ]
    email = Email.objects.get(template="tenders/email/published")
    assert email.to == package.ppk.email
    assert str(package.code) in email.subject


def test_approving_twice_is_refused_with_a_message_and_nothing_added(portal_a):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    client = signed_in(members[0], english=True)
    client.post(_url(package, "publikasi/setujui/"))

    response = client.post(_url(package, "publikasi/setujui/"), follow=True)

    assert response.status_code == 200
    assert "You have already approved this publication." in response.content.decode()
    assert PublicationApproval.objects.filter(package=package).count() == 1
    with pytest.raises(PublicationRefused):
        publication_approve(package=package, user=members[0])


def test_a_deactivated_member_cannot_approve_and_their_approval_stops_counting(portal_a):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    publication_approve(package=package, user=members[0])
    members[0].is_active = False
    members[0].save()
    # The tender keys shared with the departed member are made again for those who remain.
    make_tender_keys(package)

    with pytest.raises(PublicationRefused):
        publication_approve(package=package, user=members[0])
    # The inactive member's earlier approval no longer counts towards the quorum of 2.
    assert publication_approve(package=package, user=members[1]) is False
    assert publication_approve(package=package, user=members[2]) is True


def test_a_deactivated_official_gets_no_page(portal_a):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    client = signed_in(members[0])
    members[0].is_active = False
    members[0].save()
    response = client.post(_url(package, "publikasi/setujui/"))
    assert response.status_code in (302, 403, 404)
    assert not PublicationApproval.objects.exists()


def test_an_incomplete_package_cannot_be_approved(portal_a):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja, document=False)
    with pytest.raises(PublicationRefused):
        publication_approve(package=package, user=members[0])
    assert not PublicationApproval.objects.exists()


def test_a_pejabat_pengadaan_publishes_alone(portal_a):
    official = make_user(portal_a, role=Role.PEJABAT_PENGADAAN)
    package = make_package(portal_a, pejabat_pengadaan=official)
    response = signed_in(official).post(_url(package, "publikasi/setujui/"))
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.state == PackageState.PUBLISHED


def test_another_portals_package_and_a_stranger_get_404(portal_a, portal_b):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    other_member = make_user(portal_b, role=Role.POKJA)
    outsider = make_user(portal_a, role=Role.POKJA)

    assert signed_in(outsider).get(_url(package, "publikasi/")).status_code == 404
    response = signed_in(other_member).get(f"/lpse-b/staf/paket/{package.pk}/publikasi/")
    assert response.status_code == 404
    assert signed_in(members[0]).get(_url(package, "publikasi/")).status_code == 200


def test_the_publication_page_lists_blockers_and_approvals(portal_a, english):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    publication_approve(package=package, user=members[1])
    page = signed_in(members[0], english=True).get(_url(package, "publikasi/")).content.decode()
    assert "1 of 2" in page
    assert members[1].get_username() in page or members[1].full_name in page
    assert "Approve publication" in page


def test_cancelling_needs_a_reason_emails_participants_and_is_audited(portal_a):
    package = published_tender(portal_a)
    member = make_vendor(portal_a)
    Participation.objects.create(
        package=package, company=member.company, integrity_pact_agreed_at=timezone.now()
    )
    runner = package.pokja.members.first().user
    client = signed_in(runner)

    response = client.post(_url(package, "batalkan/"), {"reason": "  "})
    assert response.status_code == 200
    package.refresh_from_db()
    assert package.state == PackageState.PUBLISHED

    response = client.post(_url(package, "batalkan/"), {"reason": "Anggaran dialihkan"})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.state == PackageState.CANCELLED
    assert package.cancel_reason == "Anggaran dialihkan"
    event = AuditEvent.objects.get(verb="tender.cancelled")
    assert event.reason == "Anggaran dialihkan"
    email = Email.objects.get(template="tenders/email/cancelled")
    assert email.to == member.user.email
    assert "Anggaran dialihkan" in email.body


def test_only_a_published_tender_can_be_cancelled(portal_a):
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    with pytest.raises(PublicationRefused):
        tender_cancel(package=package, user=members[0], reason="x")
    package.refresh_from_db()
    assert package.state == PackageState.ASSIGNED


def test_nothing_half_saved_when_the_package_changed_meanwhile(portal_a):
    """The blockers are read under the lock: a document removed before the last approval
    stops the publication and the approval alike."""
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    publication_approve(package=package, user=members[0])
    TenderDocument.objects.filter(package=package).delete()
    ScheduleStage.objects.filter(package=package).delete()
    with pytest.raises(PublicationRefused):
        publication_approve(package=package, user=members[1])
    assert PublicationApproval.objects.filter(package=package).count() == 1
    assert Package.objects.get(pk=package.pk).state == PackageState.ASSIGNED
