"""A ticket's private link has an end: HELPDESK_TICKET_LINK_DAYS after it was mailed it
opens neither the ticket nor its files; its page says so kindly and mails a new link to
the ticket's address, which replaces the old one."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inaproc.helpdesk.models import Ticket
from inaproc.helpdesk.services.tickets import LINK_EMAIL, OPENED_EMAIL
from inaproc.notifications.models import Email
from tests.helpdesk.ticket_builders import TOKEN_IN_LINK, attachment, open_ticket

pytestmark = pytest.mark.django_db

VIEW = "/lpse-a/bantuan/tiket/lihat/"


def follow_link(client: Client, token: str):
    return client.get(f"/lpse-a/bantuan/tiket/{token}/", follow=True)


def age(ticket: Ticket, days: float) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(link_sent_at=timezone.now() - timedelta(days=days))


def test_a_link_within_its_days_opens_the_ticket(client, portal_a, settings, english):
    """The usual case is unchanged: a link a day before its end still works."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, token = open_ticket(portal_a, description="Locked out since 9 this morning.")
    age(ticket, 29)

    response = follow_link(client, token)

    assert response.status_code == 200
    assert "Locked out since 9 this morning." in response.text


def test_the_opening_email_says_how_long_the_link_works(portal_a, settings, english):
    """The requester is told the link's end and what to do after it."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, _token = open_ticket(portal_a)

    body = Email.objects.get(template=OPENED_EMAIL, to=ticket.email).body

    assert "The link works for 30 days" in body


def test_an_expired_link_opens_nothing_and_says_so(client, portal_a, settings, english):
    """Found in an old mailbox or a proxy log, the link no longer shows the ticket's
    personal data: a kind page (410) offers a new link instead."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, token = open_ticket(portal_a, description="My NPWP and phone number.")
    age(ticket, 30)

    response = follow_link(client, token)

    assert response.status_code == 410
    assert "This ticket link has expired" in response.text
    assert "Send me a new link" in response.text
    assert "My NPWP and phone number." not in response.text
    assert ticket.email not in response.text  # masked


def test_an_old_ticket_without_a_sending_time_counts_from_its_opening(
    client, portal_a, settings, english
):
    """Tickets opened before links expired have no link_sent_at: their opening counts."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, token = open_ticket(portal_a)
    Ticket.objects.filter(pk=ticket.pk).update(
        link_sent_at=None, created_at=timezone.now() - timedelta(days=31)
    )

    assert follow_link(client, token).status_code == 410


def test_an_expired_link_opens_no_attachment(client, portal_a, settings):
    """The files go with the ticket: an expired link opens none of them."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, token = open_ticket(portal_a, uploads=[attachment()])
    public_id = ticket.attachments.get().public_id
    url = f"/lpse-a/bantuan/tiket/lampiran/{public_id}/"
    follow_link(client, token)
    assert client.get(url).status_code == 200

    age(ticket, 31)

    assert client.get(url).status_code == 404


def test_a_new_link_is_mailed_to_the_ticket_and_replaces_the_old(
    client, portal_a, settings, english
):
    """ "Send me a new link" mails a fresh link to the ticket's own address (never to the
    person asking); it opens the ticket, and the expired one no longer even offers it."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, old_token = open_ticket(portal_a, description="Cannot upload the deed.")
    age(ticket, 40)
    follow_link(client, old_token)

    response = client.post(VIEW, {"action": "renew"})

    assert response.status_code == 200
    assert "A new link is on its way" in response.text
    email = Email.objects.get(template=LINK_EMAIL)
    assert email.to == ticket.email
    assert "It works for 30 days" in email.body
    new_token = TOKEN_IN_LINK.search(email.body).group(1)
    assert new_token != old_token
    assert "Cannot upload the deed." in follow_link(Client(), new_token).text
    again = follow_link(Client(), old_token)
    assert again.status_code == 404
    assert "This ticket link is not valid" in again.text


def test_a_valid_link_cannot_be_renewed_by_a_post(client, portal_a, settings):
    """The renewal is only offered to an expired link: a POST with a valid link is the
    requester's answer form (here empty, so nothing is sent)."""
    settings.HELPDESK_TICKET_LINK_DAYS = 30
    ticket, token = open_ticket(portal_a)
    follow_link(client, token)

    client.post(VIEW, {"action": "renew"})

    assert not Email.objects.filter(template=LINK_EMAIL).exists()
