"""What one private link, or one visitor, can make the helpdesk store and send: answers are
throttled per ticket, a ticket holds a bounded number of files, and the confirmation
email carries nothing the visitor typed."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from inaproc.helpdesk.models import TicketAttachment, TicketMessage
from inaproc.helpdesk.selectors.tickets import REQUESTER_REPLIES_PER_HOUR, TICKET_MAX_FILES
from inaproc.helpdesk.services.tickets import OPENED_EMAIL
from inaproc.notifications.models import Email
from tests.helpdesk.ticket_builders import attachment, open_ticket
from tests.helpers import captcha_answer
from tests.vendors.builders import pdf_bytes

pytestmark = pytest.mark.django_db

VIEW = "/lpse-a/bantuan/tiket/lihat/"


def following(portal, **overrides) -> tuple[Client, object]:
    ticket, token = open_ticket(portal, **overrides)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(f"/lpse-a/bantuan/tiket/{token}/")
    return client, ticket


def test_answers_through_one_link_are_throttled_and_the_refused_one_is_not_saved(portal_a):
    client, ticket = following(portal_a)
    for n in range(REQUESTER_REPLIES_PER_HOUR):
        assert client.post(VIEW, {"body": f"Answer number {n}."}).status_code == 302

    refused = client.post(VIEW, {"body": "One answer too many."})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "many times in the last hour" in refused.text
    assert TicketMessage.objects.filter(ticket=ticket).count() == REQUESTER_REPLIES_PER_HOUR
    assert not TicketMessage.objects.filter(body="One answer too many.").exists()


def test_a_full_ticket_refuses_more_files_next_to_the_field_and_stores_none(
    portal_a, document_root
):
    client, ticket = following(
        portal_a, uploads=[attachment(f"f{n}.pdf") for n in range(TICKET_MAX_FILES)]
    )
    stored_before = sorted(p for p in document_root.rglob("*") if p.is_file())

    response = client.post(
        VIEW,
        {
            "body": "Here is one more file.",
            "attachments": SimpleUploadedFile("lagi.pdf", pdf_bytes(), "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert "already holds the most files allowed" in response.text
    assert TicketAttachment.objects.filter(ticket=ticket).count() == TICKET_MAX_FILES
    assert not TicketMessage.objects.filter(body="Here is one more file.").exists()
    assert sorted(p for p in document_root.rglob("*") if p.is_file()) == stored_before


def test_an_answer_without_files_is_still_taken_on_a_full_ticket(portal_a):
    client, ticket = following(
        portal_a, uploads=[attachment(f"f{n}.pdf") for n in range(TICKET_MAX_FILES)]
    )

    assert client.post(VIEW, {"body": "Only words this time."}).status_code == 302
    assert TicketMessage.objects.filter(ticket=ticket, body="Only words this time.").exists()


def test_a_name_with_line_breaks_is_refused_and_nothing_is_sent(client, portal_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get("/lpse-a/bantuan/tiket/baru/")
    data = {
        "category": "login",
        "name": "Budi\n\nYour account is BLOCKED. Sign in at https://evil.example/",
        "email": "korban@example.id",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Something went wrong while signing in.",
        **captcha_answer(form),
    }

    response = client.post("/lpse-a/bantuan/tiket/baru/", data)

    assert response.status_code == 200
    assert "Use one line of text" in response.text
    assert not Email.objects.filter(to="korban@example.id").exists()


def test_the_confirmation_email_carries_no_text_the_visitor_typed(portal_a):
    open_ticket(portal_a, name="Budi Santoso", email="budi@example.id")

    body = Email.objects.get(template=OPENED_EMAIL, to="budi@example.id").body

    assert "Budi Santoso" not in body
