"""`prune_tickets` (UU PDP retention): tickets quiet for HELPDESK_TICKET_RETENTION_DAYS,
resolved or abandoned, go with their messages, attachment rows and files; everything
else stays. Audited per portal as the system, counts only."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from inaproc.audit.models import AuditEvent
from inaproc.helpdesk.models import Ticket, TicketAttachment, TicketMessage, TicketStatus
from inaproc.helpdesk.services.retention import PRUNED_VERB, tickets_prune
from inaproc.helpdesk.services.tickets import (
    ticket_requester_reply,
    ticket_staff_reply,
    ticket_status_change,
)
from tests.helpdesk.ticket_builders import attachment, open_ticket
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NOW = datetime(2028, 11, 25, 2, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=731)
JUST_INSIDE = NOW - timedelta(days=729)
VIEW = "/lpse-a/bantuan/tiket/lihat/"


def prune(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("prune_tickets", *args, stdout=out)
    return out.getvalue()


def stored_files(root) -> set[str]:
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def files_of(ticket: Ticket) -> set[str]:
    return set(ticket.attachments.values_list("stored_name", flat=True))


def resolved_at(when, portal, helpdesk, **overrides) -> Ticket:
    """A ticket with a file, answered with another file and resolved at `when`."""
    with time_machine.travel(when, tick=False):
        ticket, _token = open_ticket(portal, uploads=[attachment()], **overrides)
        ticket_staff_reply(
            ticket=ticket,
            actor=helpdesk,
            body="Unlocked, please sign in again.",
            status=TicketStatus.RESOLVED,
            uploads=[attachment("jawaban.pdf")],
        )
    ticket.refresh_from_db()
    return ticket


def opened_at(when, portal, **overrides) -> Ticket:
    with time_machine.travel(when, tick=False):
        ticket, _token = open_ticket(portal, uploads=[attachment()], **overrides)
    return ticket


def pruned_events():
    return AuditEvent.objects.filter(verb=PRUNED_VERB)


# ---------------------------------------------------------------------------
# What goes and what stays
# ---------------------------------------------------------------------------


def test_a_ticket_resolved_over_the_retention_goes_with_messages_rows_and_files(
    portal_a, helpdesk_a, document_root, django_capture_on_commit_callbacks
):
    old = resolved_at(LONG_AGO, portal_a, helpdesk_a)
    recent = resolved_at(JUST_INSIDE, portal_a, helpdesk_a)
    old_files = files_of(old)
    assert len(old_files) == 2 and old_files <= stored_files(document_root)

    with django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert list(Ticket.objects.all()) == [recent]
    assert not TicketMessage.objects.filter(ticket_id=old.pk).exists()
    assert not TicketAttachment.objects.filter(ticket_id=old.pk).exists()
    assert stored_files(document_root) == files_of(recent)
    assert output == (
        "lpse-a: 1 ticket(s) (1 resolved, 0 abandoned), 2 attachment file(s)\n"
        "Deleted 1 ticket(s) with no activity for more than 730 days.\n"
    )


def test_open_and_recent_tickets_are_untouched(
    portal_a, helpdesk_a, document_root, django_capture_on_commit_callbacks
):
    fresh = opened_at(JUST_INSIDE, portal_a)
    waiting = resolved_at(JUST_INSIDE, portal_a, helpdesk_a)
    files = stored_files(document_root)

    with django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert set(Ticket.objects.all()) == {fresh, waiting}
    assert TicketMessage.objects.count() == 1
    assert stored_files(document_root) == files
    assert output == "Deleted 0 ticket(s) with no activity for more than 730 days.\n"
    assert not pruned_events().exists()


def test_abandoned_tickets_go_after_the_same_quiet_period(
    portal_a, helpdesk_a, document_root, django_capture_on_commit_callbacks
):
    """Decision: an open (or waiting) ticket nobody touched for the retention period is
    abandoned; keeping it would keep its personal data forever."""
    never_answered = opened_at(LONG_AGO, portal_a)
    with time_machine.travel(LONG_AGO, tick=False):
        waiting, _token = open_ticket(portal_a)
        ticket_status_change(ticket=waiting, actor=helpdesk_a, status=TicketStatus.WAITING_FOR_USER)
    newest = opened_at(JUST_INSIDE, portal_a)
    gone = files_of(never_answered)

    with django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert list(Ticket.objects.all()) == [newest]
    assert gone and not gone & stored_files(document_root)
    assert output.splitlines()[0] == (
        "lpse-a: 2 ticket(s) (0 resolved, 2 abandoned), 1 attachment file(s)"
    )


def test_any_later_activity_restarts_the_clock(portal_a, helpdesk_a, document_root):
    """Resolved long ago but answered since (the requester reopened it, or the officer
    added a note): kept until the retention has passed since that activity."""
    reopened = resolved_at(LONG_AGO, portal_a, helpdesk_a)
    noted = resolved_at(LONG_AGO, portal_a, helpdesk_a, email="sari@example.id")
    with time_machine.travel(JUST_INSIDE, tick=False):
        ticket_requester_reply(ticket=reopened, body="Still locked.", author=None, uploads=[])
        ticket_staff_reply(
            ticket=noted, actor=helpdesk_a, body="Note.", status=TicketStatus.RESOLVED, uploads=[]
        )

    prune()

    assert set(Ticket.objects.all()) == {reopened, noted}
    noted.refresh_from_db()
    assert noted.status == TicketStatus.RESOLVED and noted.resolved_at < LONG_AGO + timedelta(1)


def test_every_portal_is_pruned_and_audited_on_its_own(
    portal_a, portal_b, helpdesk_a, helpdesk_b, django_capture_on_commit_callbacks
):
    resolved_at(LONG_AGO, portal_a, helpdesk_a)
    opened_at(LONG_AGO, portal_a)
    kept_a = opened_at(JUST_INSIDE, portal_a)
    resolved_at(LONG_AGO, portal_b, helpdesk_b)
    kept_b = opened_at(JUST_INSIDE, portal_b)

    with django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert set(Ticket.objects.all()) == {kept_a, kept_b}
    assert output.splitlines() == [
        "lpse-a: 2 ticket(s) (1 resolved, 1 abandoned), 3 attachment file(s)",
        "lpse-b: 1 ticket(s) (1 resolved, 0 abandoned), 2 attachment file(s)",
        "Deleted 3 ticket(s) with no activity for more than 730 days.",
    ]
    events = {event.portal: event for event in pruned_events()}
    assert set(events) == {portal_a, portal_b}
    assert events[portal_a].payload == {"count": 2, "resolved": 1, "files": 3}
    assert events[portal_b].payload == {"count": 1, "resolved": 1, "files": 2}


def test_the_audit_row_is_the_systems_and_holds_no_personal_data(portal_a, helpdesk_a):
    resolved_at(LONG_AGO, portal_a, helpdesk_a, name="Budi Santoso", npwp="0012345674101000")
    opened_at(JUST_INSIDE, portal_a)

    prune()

    event = pruned_events().get()
    assert (event.actor, event.actor_label) == (None, "system")
    assert (event.target_type, event.target_id, event.target_label) == ("", "", "")
    assert (event.reason, event.ip_address) == ("", None)
    assert event.payload == {"count": 1, "resolved": 1, "files": 2}


# ---------------------------------------------------------------------------
# Options, repeated runs and awkward states
# ---------------------------------------------------------------------------


def test_a_dry_run_prints_the_counts_and_changes_nothing(
    portal_a, helpdesk_a, document_root, django_capture_on_commit_callbacks
):
    resolved_at(LONG_AGO, portal_a, helpdesk_a)
    opened_at(LONG_AGO, portal_a)
    opened_at(JUST_INSIDE, portal_a)
    files = stored_files(document_root)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = prune("--dry-run")

    assert output == (
        "lpse-a: 2 ticket(s) (1 resolved, 1 abandoned), 3 attachment file(s)\n"
        "Would delete 2 ticket(s) with no activity for more than 730 days.\n"
    )
    assert callbacks == []
    assert Ticket.objects.count() == 3
    assert TicketAttachment.objects.count() == 4
    assert stored_files(document_root) == files
    assert not pruned_events().exists()


def test_days_overrides_the_setting(portal_a, helpdesk_a, settings):
    settings.HELPDESK_TICKET_RETENTION_DAYS = 5000
    resolved_at(NOW - timedelta(days=31), portal_a, helpdesk_a)
    kept = resolved_at(NOW - timedelta(days=29), portal_a, helpdesk_a)

    output = prune("--days", "30")

    assert list(Ticket.objects.all()) == [kept]
    assert output.endswith("Deleted 1 ticket(s) with no activity for more than 30 days.\n")


@pytest.mark.parametrize("days", ["0", "-3"])
def test_fewer_than_one_day_is_refused_and_nothing_is_deleted(portal_a, helpdesk_a, days):
    resolved_at(LONG_AGO, portal_a, helpdesk_a)

    with (
        translation.override("en"),
        pytest.raises(CommandError, match="^days: Keep at least one day.$"),
    ):
        prune("--days", days)

    assert Ticket.objects.count() == 1
    assert not pruned_events().exists()


def test_a_second_run_deletes_and_audits_nothing(
    portal_a, helpdesk_a, django_capture_on_commit_callbacks
):
    resolved_at(LONG_AGO, portal_a, helpdesk_a)
    opened_at(JUST_INSIDE, portal_a)
    with django_capture_on_commit_callbacks(execute=True):
        prune()

    with django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert output == "Deleted 0 ticket(s) with no activity for more than 730 days.\n"
    assert pruned_events().count() == 1


def test_a_file_already_missing_does_not_stop_the_pruning(
    portal_a, helpdesk_a, document_root, django_capture_on_commit_callbacks
):
    first = resolved_at(LONG_AGO, portal_a, helpdesk_a)
    resolved_at(LONG_AGO, portal_a, helpdesk_a)
    newest = opened_at(JUST_INSIDE, portal_a)
    (document_root / sorted(files_of(first))[0]).unlink()

    with django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert list(Ticket.objects.all()) == [newest]
    assert stored_files(document_root) == files_of(newest)
    assert output.splitlines()[0] == (
        "lpse-a: 2 ticket(s) (2 resolved, 0 abandoned), 4 attachment file(s)"
    )


def test_files_are_removed_only_after_the_rows_are_committed(
    portal_a, helpdesk_a, document_root, django_capture_on_commit_callbacks
):
    """Should the deletion roll back, every row still has its file."""
    ticket = resolved_at(LONG_AGO, portal_a, helpdesk_a)
    newest = opened_at(JUST_INSIDE, portal_a)
    names = files_of(ticket)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prune()

    assert list(Ticket.objects.all()) == [newest]
    assert names <= stored_files(document_root)
    assert len(callbacks) == 1
    callbacks[0]()
    assert stored_files(document_root) == files_of(newest)


def test_a_large_backlog_goes_in_batches_each_audited(
    portal_a, document_root, django_capture_on_commit_callbacks
):
    for n in range(5):
        opened_at(LONG_AGO, portal_a, email=f"user{n}@example.id")
    newest = opened_at(JUST_INSIDE, portal_a)

    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        result = tickets_prune(days=730, batch_size=2)

    assert result.tickets == 5
    assert list(Ticket.objects.all()) == [newest]
    assert stored_files(document_root) == files_of(newest)
    assert len(callbacks) == 3
    assert sorted(e.payload["count"] for e in pruned_events()) == [1, 2, 2]


def test_the_newest_ticket_stays_until_a_newer_one_so_no_number_is_reused(portal_a, helpdesk_a):
    """The next ticket number is the highest existing one plus one: deleting the newest
    ticket would give its reference (in old emails and the audit log) to another ticket."""
    resolved_at(LONG_AGO, portal_a, helpdesk_a)
    last = resolved_at(LONG_AGO, portal_a, helpdesk_a)

    first_run = prune()

    assert list(Ticket.objects.all()) == [last]
    assert first_run.startswith("lpse-a: 1 ticket(s) (1 resolved, 0 abandoned)")
    with time_machine.travel(NOW, tick=False):
        newer, _token = open_ticket(portal_a)
    assert newer.number == last.number + 1 == 3

    prune()

    assert list(Ticket.objects.all()) == [newer]


def test_the_link_ticket_page_and_files_of_a_pruned_ticket_are_404(client, portal_a, helpdesk_a):
    with time_machine.travel(LONG_AGO, tick=False):
        ticket, token = open_ticket(portal_a, uploads=[attachment()])
    file_url = f"/lpse-a/bantuan/tiket/lampiran/{ticket.attachments.get().public_id}/"
    opened_at(JUST_INSIDE, portal_a)
    client.get(f"/lpse-a/bantuan/tiket/{token}/")
    assert client.get(VIEW).status_code == 200
    assert client.get(file_url).status_code == 200

    prune()

    assert (client.get(VIEW).status_code, client.get(file_url).status_code) == (404, 404)
    staff = signed_in(helpdesk_a, english=True)
    assert staff.get(f"/lpse-a/staf/helpdesk/tiket/{ticket.number}/").status_code == 404
    assert staff.get(file_url).status_code == 404
