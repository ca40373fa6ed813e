"""Following a ticket: the private link (its token moves into the session), the
requester's answer, a signed-in requester's own tickets, and who may open the files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.helpdesk.access import TICKET_SESSION_KEY
from inaproc.helpdesk.models import TicketMessage, TicketStatus
from inaproc.helpdesk.services.tickets import ticket_staff_reply
from inaproc.notifications.models import Email
from tests.factories import make_user
from tests.helpdesk.ticket_builders import attachment, open_ticket
from tests.helpers import signed_in
from tests.vendors.builders import png_bytes

pytestmark = pytest.mark.django_db

VIEW = "/lpse-a/bantuan/tiket/lihat/"
MINE = "/lpse-a/bantuan/tiket/"


def follow_link(client: Client, token: str, slug: str = "lpse-a"):
    return client.get(f"/{slug}/bantuan/tiket/{token}/")


# ---------------------------------------------------------------------------
# The private link
# ---------------------------------------------------------------------------


def test_the_link_moves_its_token_into_the_session_and_shows_the_ticket(client, portal_a, english):
    ticket, token = open_ticket(portal_a, description="Locked out since 9 this morning.")

    response = follow_link(client, token)

    assert response.status_code == 302
    assert response["Location"] == VIEW
    assert client.session[TICKET_SESSION_KEY] == {"portal": portal_a.pk, "token": token}
    page = client.get(VIEW)
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert "HD-000001" in page.text
    assert "Locked out since 9 this morning." in page.text
    assert token not in page.text
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("token", ["x" * 43, "a" * 300, "%00", "lihat-bukan"])
def test_a_wrong_link_shows_a_clear_404(client, portal_a, token, english):
    open_ticket(portal_a)

    follow_link(client, token)
    response = client.get(VIEW)

    assert response.status_code == 404
    assert "This ticket link is not valid" in response.text


def test_without_a_link_the_view_page_is_404(client, portal_a):
    assert client.get(VIEW).status_code == 404


def test_a_link_of_one_portal_opens_nothing_on_another(client, portal_a, portal_b):
    _ticket, token = open_ticket(portal_a)

    follow_link(client, token, slug="lpse-b")

    assert client.get("/lpse-b/bantuan/tiket/lihat/").status_code == 404
    assert client.get(VIEW).status_code == 404  # remembered for portal B only


def test_the_requester_answers_and_a_ticket_waiting_for_them_opens_again(
    client, portal_a, helpdesk_a, english
):
    ticket, token = open_ticket(portal_a)
    ticket_staff_reply(
        ticket=ticket,
        actor=helpdesk_a,
        body="Which browser do you use?",
        status=TicketStatus.WAITING_FOR_USER,
        uploads=[],
    )
    follow_link(client, token)
    page = client.get(VIEW)
    assert "Which browser do you use?" in page.text
    assert "The helpdesk is waiting for your answer." in page.text
    assert "Hana Help" not in page.text  # the requester sees "Helpdesk", not the officer

    response = client.post(VIEW, {"body": "Chromium on Ubuntu."})

    assert response.status_code == 302
    assert response["Location"] == VIEW
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    answer = ticket.messages.latest("pk")
    assert (answer.body, answer.from_staff, answer.author, answer.status) == (
        "Chromium on Ubuntu.",
        False,
        None,
        TicketStatus.OPEN,
    )
    assert "Chromium on Ubuntu." in client.get(VIEW).text


def test_an_answer_on_a_resolved_ticket_reopens_it(client, portal_a, helpdesk_a):
    ticket, token = open_ticket(portal_a)
    ticket_staff_reply(
        ticket=ticket, actor=helpdesk_a, body="Unlocked.", status=TicketStatus.RESOLVED, uploads=[]
    )
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    follow_link(client, token)

    client.post(VIEW, {"body": "Locked again!"})

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at) == (TicketStatus.OPEN, None)


def test_an_answer_on_an_open_ticket_keeps_it_open_without_a_status_marker(client, portal_a):
    ticket, token = open_ticket(portal_a)
    follow_link(client, token)

    client.post(VIEW, {"body": "One more detail."})

    assert ticket.messages.get().status == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("x", "Ensure this value has at least 2 characters"),
        ("a\x00b", "Null characters are not allowed."),
        ("x" * 5001, "Ensure this value has at most 5000 characters"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_changes(client, portal_a, body, message, english):
    ticket, token = open_ticket(portal_a)
    follow_link(client, token)

    response = client.post(VIEW, {"body": body})

    assert response.status_code == 200
    assert message in response.text
    assert TicketMessage.objects.count() == 0


def test_the_requester_may_attach_files_to_an_answer(client, portal_a):
    ticket, token = open_ticket(portal_a)
    follow_link(client, token)
    upload = SimpleUploadedFile("layar.png", png_bytes(), content_type="image/png")

    client.post(VIEW, {"body": "Here is the screen.", "attachments": [upload]})

    answer = ticket.messages.get()
    assert [a.original_name for a in answer.attachments.all()] == ["layar.png"]


def test_an_answer_by_link_sends_no_email_and_writes_no_audit(client, portal_a):
    ticket, token = open_ticket(portal_a)
    follow_link(client, token)
    emails_before = Email.objects.count()

    client.post(VIEW, {"body": "Any news?"})

    assert Email.objects.count() == emails_before
    assert AuditEvent.objects.count() == 0


# ---------------------------------------------------------------------------
# A signed-in requester's tickets
# ---------------------------------------------------------------------------


def test_a_signed_in_requester_lists_and_opens_only_their_own_tickets(
    client, portal_a, vendor_a, english
):
    other = make_user(portal_a, username="other-vendor")
    mine, _token = open_ticket(portal_a, requester=vendor_a, email=vendor_a.email)
    theirs, _token = open_ticket(portal_a, requester=other, email=other.email)
    anonymous, _token = open_ticket(portal_a, email=vendor_a.email, description="Opened signed out")
    signed_in(vendor_a, client=client)

    listing = client.get(MINE)

    assert listing.status_code == 200
    assert f'href="/lpse-a/bantuan/tiket/{mine.number}/"' in listing.text
    assert f'href="/lpse-a/bantuan/tiket/{theirs.number}/"' not in listing.text
    assert f'href="/lpse-a/bantuan/tiket/{anonymous.number}/"' not in listing.text
    assert client.get(f"{MINE}{mine.number}/").status_code == 200
    assert client.get(f"{MINE}{theirs.number}/").status_code == 404
    assert client.get(f"{MINE}{anonymous.number}/").status_code == 404
    assert client.get(f"{MINE}999999999999/").status_code == 404


def test_a_signed_in_requester_answers_as_themselves(client, portal_a, vendor_a):
    ticket, _token = open_ticket(portal_a, requester=vendor_a, email=vendor_a.email)
    signed_in(vendor_a, client=client)

    response = client.post(f"{MINE}{ticket.number}/", {"body": "Still locked."})

    assert response.status_code == 302
    assert ticket.messages.get().author == vendor_a


def test_the_ticket_list_needs_a_sign_in(client, portal_a):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/?next=")


def test_a_ticket_number_of_another_portal_is_404(client, portal_a, portal_b, vendor_a):
    open_ticket(portal_b, requester=None)
    signed_in(vendor_a, client=client)

    assert client.get(f"{MINE}1/").status_code == 404


# ---------------------------------------------------------------------------
# Attachments: the requester (link or account) and the portal's helpdesk only
# ---------------------------------------------------------------------------


@pytest.fixture
def ticket_with_file(portal_a, vendor_a):
    ticket, token = open_ticket(
        portal_a,
        requester=vendor_a,
        email=vendor_a.email,
        uploads=[attachment("layar.png", png_bytes())],
    )
    return ticket, token, ticket.attachments.get()


def file_url(file, slug="lpse-a") -> str:
    return f"/{slug}/bantuan/tiket/lampiran/{file.public_id}/"


def test_the_link_holder_gets_the_file_with_safe_headers(client, ticket_with_file):
    _ticket, token, file = ticket_with_file
    follow_link(client, token)

    response = client.get(file_url(file))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith('inline; filename="layar.png"')
    download = client.get(file_url(file), {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment;")


def test_the_signed_in_requester_gets_the_file(client, ticket_with_file, vendor_a):
    signed_in(vendor_a, client=client)

    assert client.get(file_url(ticket_with_file[2])).status_code == 200


def test_the_portals_helpdesk_gets_the_file_and_it_is_audited(client, ticket_with_file, helpdesk_a):
    ticket, _token, file = ticket_with_file
    signed_in(helpdesk_a, client=client)

    assert client.get(file_url(file)).status_code == 200
    head = client.head(file_url(file))
    assert head.status_code == 200

    event = AuditEvent.objects.get(verb="helpdesk.attachment_viewed")
    assert (event.actor, event.portal, event.payload["ticket"]) == (
        helpdesk_a,
        ticket.portal,
        "HD-000001",
    )


def test_everyone_else_gets_the_same_404_for_the_file(
    ticket_with_file, helpdesk_b, verifier_a, portal_a
):
    _ticket, _token, file = ticket_with_file
    other_vendor = make_user(portal_a, username="other-vendor")
    anonymous = Client()
    vendor = signed_in(other_vendor)
    verifier = signed_in(verifier_a)
    other_portal = signed_in(helpdesk_b)
    other_link = Client()
    _other_ticket, other_token = open_ticket(portal_a, email="siti@example.id")
    follow_link(other_link, other_token)

    for client in (anonymous, vendor, verifier, other_link):
        assert client.get(file_url(file)).status_code == 404
    assert other_portal.get(file_url(file, slug="lpse-b")).status_code == 404
    assert not AuditEvent.objects.filter(verb="helpdesk.attachment_viewed").exists()


def test_a_portal_admin_gets_the_file(ticket_with_file, portal_a):
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")
    client = signed_in(admin)

    assert client.get(file_url(ticket_with_file[2])).status_code == 200
