"""The helpdesk's queue and ticket page: who may see them, the order and filters, the
answer (emailed, audited) and the status change (audited)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.helpdesk.models import Ticket, TicketCategory, TicketMessage, TicketStatus
from inaproc.helpdesk.services.tickets import REPLY_EMAIL, ticket_status_change
from inaproc.notifications.models import Email
from tests.factories import make_user
from tests.helpdesk.ticket_builders import open_ticket
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

QUEUE = "/lpse-a/staf/helpdesk/tiket/"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def ticket_url(ticket, suffix: str = "") -> str:
    return f"/{ticket.portal.slug}/staf/helpdesk/tiket/{ticket.number}/{suffix}"


def helpdesk_audit():
    """Audit rows of helpdesk actions (signing staff in writes rows of its own)."""
    return AuditEvent.objects.filter(verb__startswith="helpdesk.")


def references(response) -> list[str]:
    import re

    return re.findall(r">(HD-\d{6})</a></th>", response.text)


# ---------------------------------------------------------------------------
# Who may see the queue and a ticket
# ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client, portal_a):
    ticket, _token = open_ticket(portal_a)

    for url in (QUEUE, ticket_url(ticket)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/lpse-a/masuk/?next=")


def test_vendors_and_verifiers_get_403_and_change_nothing(portal_a, vendor_a, verifier_a):
    ticket, _token = open_ticket(portal_a)
    emails_before = Email.objects.count()
    for user in (vendor_a, verifier_a):
        client = signed_in(user)
        assert client.get(QUEUE).status_code == 403
        assert client.get(ticket_url(ticket)).status_code == 403
        reply = client.post(ticket_url(ticket, "balas/"), {"body": "Hi", "status": "resolved"})
        status = client.post(ticket_url(ticket, "status/"), {"status": "resolved"})
        assert (reply.status_code, status.status_code) == (403, 403)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert TicketMessage.objects.count() == 0
    assert Email.objects.count() == emails_before
    assert not helpdesk_audit().exists()


def test_helpdesk_and_portal_admin_see_the_queue(client, portal_a, helpdesk_a):
    open_ticket(portal_a)
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")
    for user in (helpdesk_a, admin):
        client = signed_in(user, english=True)
        response = client.get(QUEUE)
        assert response.status_code == 200
        assert response.text.count("<h1") == 1
        assert references(response) == ["HD-000001"]


def test_another_portals_helpdesk_sees_nothing_of_this_portal(portal_a, portal_b, helpdesk_b):
    ticket_a, _token = open_ticket(portal_a, email="alpha@example.id")
    client = signed_in(helpdesk_b, english=True)

    queue = client.get("/lpse-b/staf/helpdesk/tiket/")
    same_number = client.get("/lpse-b/staf/helpdesk/tiket/1/")
    reply = client.post("/lpse-b/staf/helpdesk/tiket/1/balas/", {"body": "Hi", "status": "open"})

    assert "alpha@example.id" not in queue.text
    assert references(queue) == []
    assert (same_number.status_code, reply.status_code) == (404, 404)
    assert client.get(ticket_url(ticket_a)).status_code == 302  # portal A: not signed in there
    assert TicketMessage.objects.count() == 0


@pytest.mark.parametrize("number", ["0", "2", "99999999999999"])
def test_a_missing_ticket_is_404(client, portal_a, helpdesk_a, number):
    open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    assert client.get(f"{QUEUE}{number}/").status_code == 404


# ---------------------------------------------------------------------------
# The queue: order, filters, search, pagination
# ---------------------------------------------------------------------------


@pytest.fixture
def six_tickets(portal_a, helpdesk_a):
    """HD-1 … HD-6, opened an hour apart; 2 waits for the user, 3 is resolved, 5 is about
    registration."""
    tickets = []
    for n in range(6):
        with time_machine.travel(START + timedelta(hours=n), tick=False):
            category = TicketCategory.REGISTRATION if n == 4 else TicketCategory.LOGIN
            ticket, _token = open_ticket(
                portal_a,
                email=f"user{n + 1}@example.id",
                category=category,
                npwp="0012345674101000" if n == 5 else "",
                occurred_at=START,
            )
            tickets.append(ticket)
    with time_machine.travel(START + timedelta(hours=7), tick=False):
        ticket_status_change(
            ticket=tickets[1], actor=helpdesk_a, status=TicketStatus.WAITING_FOR_USER
        )
        ticket_status_change(ticket=tickets[2], actor=helpdesk_a, status=TicketStatus.RESOLVED)
    return tickets


def test_the_queue_shows_open_then_waiting_oldest_first_without_resolved(
    client, helpdesk_a, six_tickets
):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(QUEUE)

    assert references(response) == ["HD-000001", "HD-000004", "HD-000005", "HD-000006", "HD-000002"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "resolved"}, ["HD-000003"]),
        ({"status": "waiting_for_user"}, ["HD-000002"]),
        (
            {"status": "all"},
            ["HD-000001", "HD-000004", "HD-000005", "HD-000006", "HD-000002", "HD-000003"],
        ),
        ({"category": "registration"}, ["HD-000005"]),
        ({"q": "HD-000004"}, ["HD-000004"]),
        ({"q": "hd-4"}, ["HD-000004"]),
        ({"q": "6"}, ["HD-000006"]),
        ({"q": "01.234.567.4-101"}, ["HD-000006"]),
        ({"q": "USER2@example"}, ["HD-000002"]),
        ({"q": "nobody"}, []),
    ],
)
def test_the_queue_filters_and_searches(client, helpdesk_a, six_tickets, params, expected):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(QUEUE, params)

    assert response.status_code == 200
    assert references(response) == expected


def test_garbage_filters_fall_back_to_the_default_queue(client, helpdesk_a, six_tickets):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(QUEUE, {"status": "\x00", "category": "x", "q": "a" * 500, "page": "-1"})

    assert response.status_code == 200
    assert len(references(response)) == 5


def test_the_queue_pages_by_25_and_keeps_the_filters(client, portal_a, helpdesk_a):
    for n in range(26):
        Ticket.objects.create(
            portal=portal_a,
            number=n + 1,
            category=TicketCategory.OTHER,
            email="bulk@example.id",
            occurred_at=timezone.now(),
            description="bulk",
            access_token_hash=f"hash{n}",
        )
    signed_in(helpdesk_a, client=client, english=True)

    first = client.get(QUEUE, {"category": "other"})
    second = client.get(QUEUE, {"category": "other", "page": "2"})

    assert len(references(first)) == 25
    assert 'href="?category=other&amp;page=2"' in first.text
    assert references(second) == ["HD-000026"]


# ---------------------------------------------------------------------------
# The ticket page, the answer and the status
# ---------------------------------------------------------------------------


def test_the_ticket_page_shows_the_request_and_its_history(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(
        portal_a, name="Siti Aminah", npwp="0012345674101000", description="Cannot upload."
    )
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(ticket_url(ticket))

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    for text in (
        "HD-000001",
        "Siti Aminah",
        "01.234.567.4-101.000",
        "Cannot upload.",
        "budi@example.id",
    ):
        assert text in response.text
    assert "Opened without signing in" in response.text


def test_an_answer_is_emailed_audited_and_changes_the_status(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(
        ticket_url(ticket, "balas/"),
        {"body": "Please send a screenshot.", "status": TicketStatus.WAITING_FOR_USER},
    )

    assert response.status_code == 302
    assert response["Location"] == ticket_url(ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_FOR_USER
    message = ticket.messages.get()
    assert (message.author, message.from_staff, message.status) == (
        helpdesk_a,
        True,
        TicketStatus.WAITING_FOR_USER,
    )
    email = Email.objects.get(template=REPLY_EMAIL)
    assert email.to == "budi@example.id"
    assert "[HD-000001]" in email.subject
    assert "Please send a screenshot." in email.body
    assert "/bantuan/tiket/baru/" in email.body
    event = AuditEvent.objects.get(verb="helpdesk.ticket_replied")
    assert (event.actor, event.portal, event.target_id) == (helpdesk_a, portal_a, str(ticket.pk))
    assert event.payload["status"] == TicketStatus.WAITING_FOR_USER
    page = client.get(ticket_url(ticket))
    assert "Please send a screenshot." in page.text
    assert "Answered the requester" in page.text


def test_the_answer_email_is_in_the_portals_language_and_links_the_account(
    client, portal_a, helpdesk_a, vendor_a
):
    ticket, _token = open_ticket(portal_a, requester=vendor_a, email=vendor_a.email)
    signed_in(helpdesk_a, client=client, english=True)  # the officer reads English

    client.post(ticket_url(ticket, "balas/"), {"body": "Sudah dibuka.", "status": "resolved"})

    email = Email.objects.get(template=REPLY_EMAIL)
    assert email.body.startswith("Yth. Budi Santoso,")  # Indonesian, whatever the officer reads
    assert f"/lpse-a/bantuan/tiket/{ticket.number}/" in email.body
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "", "status": "open"}, "This field is required."),
        ({"body": "Hello\x00", "status": "open"}, "Null characters are not allowed."),
        ({"body": "Hello there", "status": "closed"}, "Select a valid choice."),
    ],
)
def test_a_bad_answer_changes_nothing(client, portal_a, helpdesk_a, data, message):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)
    emails_before = Email.objects.count()

    response = client.post(ticket_url(ticket, "balas/"), data)

    assert response.status_code == 200
    assert message in response.text
    assert TicketMessage.objects.count() == 0
    assert Email.objects.count() == emails_before
    assert not helpdesk_audit().exists()


def test_a_status_change_is_audited_and_not_emailed(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)
    emails_before = Email.objects.count()

    response = client.post(ticket_url(ticket, "status/"), {"status": TicketStatus.RESOLVED})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolved_at is not None
    assert ticket.messages.get().status == TicketStatus.RESOLVED
    assert Email.objects.count() == emails_before
    event = AuditEvent.objects.get(verb="helpdesk.ticket_status_changed")
    assert (event.actor, event.payload) == (
        helpdesk_a,
        {"ticket": "HD-000001", "status": TicketStatus.RESOLVED},
    )


def test_the_same_status_again_changes_nothing(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(ticket_url(ticket, "status/"), {"status": TicketStatus.OPEN})

    assert response.status_code == 302
    assert TicketMessage.objects.count() == 0
    assert not helpdesk_audit().exists()


def test_a_bad_status_is_refused(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(ticket_url(ticket, "status/"), {"status": "\x00"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert not helpdesk_audit().exists()


def test_ticket_actions_are_get_or_post_only_where_meant(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    assert client.get(ticket_url(ticket, "balas/")).status_code == 405
    assert client.get(ticket_url(ticket, "status/")).status_code == 405
    assert client.post(QUEUE).status_code == 405
