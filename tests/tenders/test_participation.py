"""Joining a tender (Ikut Tender), My tenders, the participants' documents and the
bid-deadline reminders."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.reference.models import Kbli
from inaproc.tenders import stages
from inaproc.tenders.models import (
    PackageState,
    Participation,
    ParticipationReminder,
    ScheduleStage,
)
from inaproc.tenders.selectors.participation import my_tenders, participation_warnings
from inaproc.tenders.services.participation import (
    ParticipationRefused,
    participation_join,
    reminder_send,
    reminders_due_send,
)
from inaproc.vendors.models import Document, RegistrationStatus
from tests.helpers import run_task_worker, signed_in
from tests.tenders.participation_factories import make_document, make_vendor, published_tender
from tests.vendors.builders import kbli_sample

pytestmark = pytest.mark.django_db
REMINDER = "tenders/email/bid_deadline_reminder"


def _join_url(package):
    return f"/{package.portal.slug}/tender/{package.code}/ikut/"


def _page_url(package, rest=""):
    return f"/{package.portal.slug}/perusahaan/tender/{package.code}/{rest}"


def test_an_approved_admin_joins_after_ticking_the_pact_and_it_is_audited(portal_a):
    package = published_tender(portal_a)
    member = make_vendor(portal_a)
    client = signed_in(member.user)

    page = client.get(_join_url(package))
    assert page.status_code == 200
    assert "Pakta Integritas" in page.content.decode()
    response = client.post(_join_url(package), {})
    assert response.status_code == 200
    assert not Participation.objects.exists()

    response = client.post(_join_url(package), {"integrity_pact": "on"})
    assert response.status_code == 302
    participation = Participation.objects.get(package=package, company=member.company)
    assert participation.joined_by == member.user
    assert participation.integrity_pact_agreed_at is not None
    assert AuditEvent.objects.filter(verb="tender.joined", actor=member.user).count() == 1


def test_a_bid_preparer_may_join_a_viewer_may_not(portal_a):
    package = published_tender(portal_a)
    admin = make_vendor(portal_a)
    viewer = make_vendor(portal_a, role="viewer", company=admin.company)
    preparer = make_vendor(portal_a, role="bid_preparer", company=admin.company)

    assert (
        signed_in(viewer.user).post(_join_url(package), {"integrity_pact": "on"}).status_code == 403
    )
    assert not Participation.objects.exists()
    response = signed_in(preparer.user).post(_join_url(package), {"integrity_pact": "on"})
    assert response.status_code == 302
    assert Participation.objects.count() == 1


def test_joining_twice_is_refused(portal_a, english):
    package = published_tender(portal_a)
    member = make_vendor(portal_a)
    participation_join(package=package, member=member, integrity_pact=True)
    with pytest.raises(ParticipationRefused, match="already takes part"):
        participation_join(package=package, member=member, integrity_pact=True)
    response = signed_in(member.user).post(_join_url(package), {"integrity_pact": "on"})
    assert response.status_code == 302
    assert Participation.objects.count() == 1


def test_joining_after_the_bid_deadline_is_refused(portal_a, english):
    now = timezone.now()
    package = published_tender(
        portal_a,
        start=now - timedelta(days=5),
        clarification=(now - timedelta(days=4), now - timedelta(days=3)),
        bid_deadline=now - timedelta(minutes=1),
    )
    member = make_vendor(portal_a)
    with pytest.raises(ParticipationRefused, match="closed"):
        participation_join(package=package, member=member, integrity_pact=True)
    response = signed_in(member.user, english=True).post(
        _join_url(package), {"integrity_pact": "on"}
    )
    assert response.status_code == 200
    assert "Joining this tender is closed." in response.content.decode()
    assert not Participation.objects.exists()


def test_a_company_not_approved_or_a_suspended_member_cannot_join(portal_a):
    package = published_tender(portal_a)
    pending = make_vendor(portal_a, status=RegistrationStatus.SUBMITTED)
    assert signed_in(pending.user).get(_join_url(package)).status_code == 404
    with pytest.raises(ParticipationRefused):
        participation_join(package=package, member=pending, integrity_pact=True)

    admin = make_vendor(portal_a)
    preparer = make_vendor(portal_a, role="bid_preparer", company=admin.company)
    preparer.suspended_at = timezone.now()
    preparer.save()
    with pytest.raises(ParticipationRefused):
        participation_join(package=package, member=preparer, integrity_pact=True)
    assert not Participation.objects.exists()


def test_a_cancelled_or_other_portals_tender_cannot_be_joined(portal_a, portal_b):
    cancelled = published_tender(portal_a, state=PackageState.CANCELLED)
    other = published_tender(portal_b)
    member = make_vendor(portal_a)
    client = signed_in(member.user)
    assert client.post(_join_url(cancelled), {"integrity_pact": "on"}).status_code == 200
    assert client.get(f"/lpse-a/tender/{other.code}/ikut/").status_code == 404
    with pytest.raises(ParticipationRefused):
        participation_join(package=other, member=member, integrity_pact=True)
    assert not Participation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(portal_a, client):
    package = published_tender(portal_a)
    response = client.get(_join_url(package))
    assert response.status_code == 302
    assert "/masuk/" in response.headers["Location"]


def test_a_missing_kbli_and_an_expiring_licence_warn_without_refusing(portal_a, english):
    kbli_sample()
    package = published_tender(portal_a)
    package.kbli.add(Kbli.objects.get(code="43211"))
    member = make_vendor(portal_a)
    member.company.sectors.add(Kbli.objects.get(code="41011"))
    Document.objects.create(
        company=member.company,
        kind="business_licence",
        valid_until=timezone.localdate() + timedelta(days=1),
        stored_name=f"test-{uuid.uuid4().hex}",
        original_name="izin.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )

    warnings = participation_warnings(package=package, company=member.company)
    assert len(warnings) == 2
    assert "43211" in warnings[0]
    assert "izin.pdf" in warnings[1]
    page = signed_in(member.user, english=True).get(_join_url(package)).content.decode()
    assert "Before you join" in page
    participation_join(package=package, member=member, integrity_pact=True)
    assert Participation.objects.count() == 1


def test_my_tenders_shows_stage_deadline_and_what_to_do(portal_a, english):
    package = published_tender(portal_a)
    member = make_vendor(portal_a)
    participation_join(package=package, member=member, integrity_pact=True)

    (row,) = my_tenders(company=member.company)
    assert row.stage_label == "Pemberian Penjelasan"
    clarification = ScheduleStage.objects.get(package=package, key=stages.CLARIFICATION)
    assert row.next_deadline == clarification.ends_at
    assert row.todo[0] == "Download the documents"
    assert row.todo[1].startswith("Ask questions before")
    assert row.todo[2].startswith("Upload your bid before")
    page = signed_in(member.user, english=True).get("/lpse-a/perusahaan/tender/").content.decode()
    assert package.name in page


def test_my_tenders_reads_a_fixed_number_of_queries_whatever_the_tenders(
    portal_a, django_assert_max_num_queries
):
    """One tender or six: the same queries (the objection and award lines and the
    announced results are read for all rows at once, not once per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = make_vendor(portal_a)
    client = signed_in(member.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/lpse-a/perusahaan/tender/").status_code == 200
        return len(captured)

    packages = [published_tender(portal_a) for _ in range(6)]
    participation_join(package=packages[0], member=member, integrity_pact=True)
    one = queries()
    for package in packages[1:]:
        participation_join(package=package, member=member, integrity_pact=True)
    assert queries() == one
    # Without a shared cache in the tests, the portal and maintenance windows are
    # queries too; six rows cost what one does.
    with django_assert_max_num_queries(13):
        page = client.get("/lpse-a/perusahaan/tender/").content.decode()
    assert all(f"/lpse-a/perusahaan/tender/{p.code}/" in page for p in packages)


def test_participants_download_documents_others_get_404(portal_a, portal_b):
    package = published_tender(portal_a)
    document = package.documents.get()
    member = make_vendor(portal_a)
    stranger = make_vendor(portal_a)
    participation_join(package=package, member=member, integrity_pact=True)
    url = _page_url(package, f"dokumen/{document.pk}/")

    response = signed_in(member.user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert signed_in(stranger.user).get(url).status_code == 404
    assert signed_in(stranger.user).get(_page_url(package)).status_code == 404
    other_vendor = make_vendor(portal_b)
    response = signed_in(other_vendor.user).get(f"/lpse-b/perusahaan/tender/{package.code}/")
    assert response.status_code == 404


def test_the_participant_page_lists_documents_latest_first(portal_a):
    package = published_tender(portal_a)
    addendum = make_document(package, kind="addendum")
    member = make_vendor(portal_a)
    participation_join(package=package, member=member, integrity_pact=True)
    page = signed_in(member.user).get(_page_url(package)).content.decode()
    first = page.index(f"dokumen/{addendum.pk}/")
    assert first < page.index(f"dokumen/{addendum.pk - 1}/")


def _joined_three_days_before_the_deadline(portal):
    now = timezone.now()
    package = published_tender(portal, bid_deadline=now + timedelta(days=3))
    member = make_vendor(portal)
    participation = participation_join(package=package, member=member, integrity_pact=True)
    return package, participation


def test_reminders_go_once_inside_their_window(portal_a):
    package, participation = _joined_three_days_before_the_deadline(portal_a)
    deadline = ScheduleStage.objects.get(package=package, key=stages.BID_UPLOAD).ends_at

    assert reminder_send(participation_id=participation.pk, kind="24h") == "later"
    with time_machine.travel(deadline - timedelta(hours=23), tick=False):
        assert reminder_send(participation_id=participation.pk, kind="24h") == "sent"
        assert reminder_send(participation_id=participation.pk, kind="24h") == "skipped"
        assert reminders_due_send() == 0
    with time_machine.travel(deadline - timedelta(hours=1), tick=False):
        assert reminders_due_send() == 1
        assert reminders_due_send() == 0
    assert Email.objects.filter(template=REMINDER).count() == 2
    assert ParticipationReminder.objects.filter(participation=participation).count() == 2


def test_a_moved_deadline_is_reminded_again(portal_a):
    package, participation = _joined_three_days_before_the_deadline(portal_a)
    stage = ScheduleStage.objects.get(package=package, key=stages.BID_UPLOAD)
    with time_machine.travel(stage.ends_at - timedelta(hours=23), tick=False):
        assert reminders_due_send() == 1
        stage.ends_at += timedelta(days=2)
        stage.save()
        # Not due for the new deadline yet: nothing goes.
        assert reminder_send(participation_id=participation.pk, kind="24h") == "later"
    with time_machine.travel(stage.ends_at - timedelta(hours=20), tick=False):
        call_command("send_tender_reminders", verbosity=0)
        call_command("send_tender_reminders", verbosity=0)
    assert Email.objects.filter(template=REMINDER).count() == 2
    deadlines = set(ParticipationReminder.objects.values_list("deadline", flat=True))
    assert len(deadlines) == 2


def test_the_reminder_tasks_are_queued_on_join_and_run_when_due(
    portal_a, django_capture_on_commit_callbacks
):
    """Joined 3 hours before the deadline: the 24-hour reminder is pointless (the company
    saw the deadline when it joined), the 2-hour one goes when due, once."""
    now = timezone.now()
    package = published_tender(portal_a, bid_deadline=now + timedelta(hours=3))
    member = make_vendor(portal_a)
    with django_capture_on_commit_callbacks(execute=True):
        participation_join(package=package, member=member, integrity_pact=True)
    run_task_worker()
    assert not ParticipationReminder.objects.exists()

    with time_machine.travel(now + timedelta(hours=1, minutes=5), tick=False):
        run_task_worker()
        run_task_worker()
    assert list(ParticipationReminder.objects.values_list("kind", flat=True)) == ["2h"]
    email = Email.objects.get(template=REMINDER)
    assert email.to == member.user.email
