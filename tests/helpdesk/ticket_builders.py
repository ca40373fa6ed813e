"""Tickets and the people around them, made through the real services (the fixtures of
the helpdesk tests, `helpdesk_a` and the others, are in conftest.py)."""

import re
from datetime import timedelta

from django.utils import timezone

from inaproc.accounts.services.signin import failure_register
from inaproc.core.context import ClientInfo
from inaproc.files.services import CheckedUpload
from inaproc.helpdesk.models import Ticket, TicketCategory
from inaproc.helpdesk.services.tickets import OPENED_EMAIL, TicketData, ticket_create
from inaproc.notifications.models import Email
from tests.vendors.builders import checked

TOKEN_IN_LINK = re.compile(r"/bantuan/tiket/([A-Za-z0-9_\-]{20,})/")


def ticket_data(**overrides) -> TicketData:
    values = {
        "category": TicketCategory.LOGIN,
        "name": "Budi Santoso",
        "npwp": "",
        "email": "budi@example.id",
        "occurred_at": timezone.now() - timedelta(hours=1),
        "description": "I cannot sign in: the page says my account is locked.",
    }
    values.update(overrides)
    return TicketData(**values)


def open_ticket(
    portal,
    *,
    requester=None,
    uploads: list[CheckedUpload] | None = None,
    **overrides,
) -> tuple[Ticket, str]:
    """A ticket as the form opens it, and the token of its private link (read from the
    confirmation email, as the requester would)."""
    ticket = ticket_create(
        portal=portal, data=ticket_data(**overrides), requester=requester, uploads=uploads or []
    )
    return ticket, token_of(ticket)


def token_of(ticket: Ticket) -> str:
    body = Email.objects.filter(template=OPENED_EMAIL, to=ticket.email).latest("pk").body
    return TOKEN_IN_LINK.search(body).group(1)


def attachment(name: str = "layar.pdf", content: bytes | None = None) -> CheckedUpload:
    return checked("attachment", name, content)


def lock_out(portal, username: str, *, ip: str = "1.2.3.4", times: int = 5) -> None:
    """`times` wrong passwords from `ip`; five (the default) lock the username."""
    for _ in range(times):
        failure_register(portal=portal, username=username, client=ClientInfo(ip, "ua", "", ""))
