"""Access chokepoints of the helpdesk: how an account or a ticket of a portal reaches a
view. Missing and forbidden look the same (404)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.core.tokens import token_plausible
from inaproc.helpdesk.models import Ticket, TicketAttachment
from inaproc.helpdesk.selectors.tickets import requester_tickets
from inaproc.helpdesk.services.tickets import ticket_token_hash
from inaproc.portals.models import Portal

# Helpdesk officers and portal administrators run the helpdesk of their portal.
STAFF_ROLES = (Role.HELPDESK, Role.PORTAL_ADMIN)

# The private link's token, moved from the URL into the session (as the registration's
# confirmation link is), with the portal it was opened on.
TICKET_SESSION_KEY = "inaproc_helpdesk_ticket"
# Ticket numbers are a PostgreSQL integer: anything larger is simply not a ticket.
TICKET_NUMBER_MAX = 2_147_483_647


def _is_staff(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


def access_portal_user(*, portal: Portal, user: User, user_id: int) -> User:
    """The account `user_id` of `portal`, for `user`, a helpdesk officer or portal
    administrator of it. The same 404 for an account that does not exist, for one of
    another portal (or of the platform) and for anyone else asking, so that staff of
    one portal learn nothing about another's accounts. (The views' role decorator has
    already answered 403 to a signed-in user without a staff role, whatever the id.)"""
    account = None
    if _is_staff(user) and user.portal_id == portal.pk:
        account = User.objects.select_related("portal").filter(portal=portal, pk=user_id).first()
    if account is None:
        raise Http404
    return account


def _ticket(portal: Portal, **lookup) -> Ticket | None:
    return (
        Ticket.objects.select_related("portal", "requester").filter(portal=portal, **lookup).first()
    )


def _plausible_number(number: int) -> bool:
    return 0 < number <= TICKET_NUMBER_MAX


def access_ticket_for_staff(*, portal: Portal, user: User, number: int) -> Ticket:
    """Ticket `number` of `portal`, for `user`, one of its helpdesk staff."""
    ticket = None
    if _is_staff(user) and user.portal_id == portal.pk and _plausible_number(number):
        ticket = _ticket(portal, number=number)
    if ticket is None:
        raise Http404
    return ticket


def access_ticket_of_requester(*, portal: Portal, user: User, number: int) -> Ticket:
    """Ticket `number` of `portal`, for the signed-in account `user` whose it is (opened
    while signed in, or from its proven address: `requester_tickets`)."""
    ticket = None
    if user.is_authenticated and _plausible_number(number):
        ticket = (
            Ticket.objects.select_related("portal", "requester")
            .filter(requester_tickets(portal=portal, user=user), portal=portal, number=number)
            .first()
        )
    if ticket is None:
        raise Http404
    return ticket


def ticket_link_remember(request: HttpRequest, token: str) -> None:
    """Keep the private link's token in this browser's session, for this portal only."""
    request.session[TICKET_SESSION_KEY] = {
        "portal": request.portal.pk,
        "token": token if token_plausible(token) else "",
    }


def ticket_link_expired(ticket: Ticket) -> bool:
    """Whether the ticket's private link is older than HELPDESK_TICKET_LINK_DAYS."""
    sent = ticket.link_sent_at or ticket.created_at
    return timezone.now() >= sent + timedelta(days=settings.HELPDESK_TICKET_LINK_DAYS)


def ticket_from_link(request: HttpRequest) -> Ticket | None:
    """The ticket whose private link this browser opened on this portal, if still valid."""
    ticket = ticket_of_link(request)
    if ticket is None or ticket_link_expired(ticket):
        return None
    return ticket


def ticket_of_link(request: HttpRequest) -> Ticket | None:
    """The ticket whose private link this browser opened on this portal, expired or not."""
    remembered = request.session.get(TICKET_SESSION_KEY)
    if not isinstance(remembered, dict) or remembered.get("portal") != request.portal.pk:
        return None
    token = remembered.get("token")
    if not isinstance(token, str) or not token_plausible(token):
        return None
    return _ticket(request.portal, access_token_hash=ticket_token_hash(token))


def access_attachment(
    *, portal: Portal, user: User, public_id, linked_ticket: Ticket | None = None
) -> tuple[TicketAttachment, bool]:
    """A ticket's file, for the portal's helpdesk staff, the signed-in requester and the
    browser holding the ticket's private link (`linked_ticket`: `ticket_from_link`).
    Returns it and whether staff opened it (staff views are audited)."""
    attachment = (
        TicketAttachment.objects.select_related("ticket", "ticket__portal")
        .filter(public_id=public_id, ticket__portal=portal)
        .first()
    )
    if attachment is None:
        raise Http404
    if _is_staff(user):
        return attachment, True
    if (
        user.is_authenticated
        and Ticket.objects.filter(
            requester_tickets(portal=portal, user=user), pk=attachment.ticket_id
        ).exists()
    ):
        return attachment, False
    if linked_ticket is not None and linked_ticket.pk == attachment.ticket_id:
        return attachment, False
    raise Http404
