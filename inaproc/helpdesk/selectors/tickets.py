"""Reads of tickets: the staff queue, a requester's tickets, a ticket's history and the
accounts a ticket may be about. Every query is scoped to one portal."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.models import User
from inaproc.accounts.selectors import account_email_request_retry_after, lock_until
from inaproc.audit.models import AuditEvent
from inaproc.core.limits import seconds_until_below_limit
from inaproc.helpdesk.models import Ticket, TicketAttachment, TicketMessage, TicketStatus
from inaproc.portals.models import Portal
from inaproc.vendors.companies.selectors.members import account_email_confirmed

DEFAULT_TICKETS_PER_EMAIL_PER_HOUR = 3
# A requester's answers on one ticket per hour, and the files one ticket may hold: the
# private link needs no CAPTCHA, so these bound what one link can store.
REQUESTER_REPLIES_PER_HOUR = 10
TICKET_MAX_FILES = 20
CANDIDATES_MAX = 20
UNRESOLVED = (TicketStatus.OPEN, TicketStatus.WAITING_FOR_USER)
# What the queue's status filter offers besides the statuses themselves.
FILTER_UNRESOLVED = ""
FILTER_ALL = "all"

_REFERENCE = re.compile(r"(?:HD-?)?0*([0-9]{1,9})", re.IGNORECASE | re.ASCII)
_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")


def _rank():
    """Open first, then waiting for the user, then resolved."""
    return Case(
        When(status=TicketStatus.OPEN, then=Value(0)),
        When(status=TicketStatus.WAITING_FOR_USER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def ticket_create_wait(
    *, portal: Portal, email: str, ip_address: str | None, at: datetime | None = None
) -> int:
    """Seconds before another ticket may be opened on `portal` for `email` from
    `ip_address`, or 0: at most HELPDESK_TICKETS_PER_EMAIL_PER_HOUR tickets a mailbox,
    and the client address's share of ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS."""
    at = at or timezone.now()
    limit = getattr(
        settings, "HELPDESK_TICKETS_PER_EMAIL_PER_HOUR", DEFAULT_TICKETS_PER_EMAIL_PER_HOUR
    )
    per_email = seconds_until_below_limit(
        Ticket.objects.filter(portal=portal, email__iexact=email),
        limit=limit,
        window=timedelta(hours=1),
        at=at,
    )
    per_address = account_email_request_retry_after(portal=portal, ip_address=ip_address, at=at)
    return max(per_email, per_address)


def ticket_reply_wait(*, ticket: Ticket, at: datetime | None = None) -> int:
    """Seconds before the requester may answer on `ticket` again, or 0."""
    return seconds_until_below_limit(
        TicketMessage.objects.filter(ticket=ticket, from_staff=False),
        limit=REQUESTER_REPLIES_PER_HOUR,
        window=timedelta(hours=1),
        at=at or timezone.now(),
    )


def ticket_files_left(*, ticket: Ticket) -> int:
    """How many more files `ticket` may hold."""
    return max(0, TICKET_MAX_FILES - TicketAttachment.objects.filter(ticket=ticket).count())


def _search(query: str) -> Q:
    """A reference (HD-000123, 123), an NPWP (any spelling, or part of one), an email
    address or a name."""
    matches = Q(email__icontains=query) | Q(name__icontains=query)
    reference = _REFERENCE.fullmatch(query)
    if reference:
        matches |= Q(number=int(reference.group(1)))
    digits = _NUMBER_SEPARATORS.sub("", query)
    if len(digits) >= 3 and digits.isascii() and digits.isdigit():
        matches |= Q(npwp__contains=digits)
    return matches


def ticket_queue(
    *, portal: Portal, status: str = FILTER_UNRESOLVED, category: str = "", query: str = ""
) -> QuerySet[Ticket]:
    """The portal's tickets for its helpdesk: open ones first, then those waiting for the
    user, oldest first within each (resolved: newest first). By default only unresolved."""
    tickets = Ticket.objects.filter(portal=portal)
    if status == FILTER_UNRESOLVED:
        tickets = tickets.filter(status__in=UNRESOLVED)
    elif status != FILTER_ALL:
        tickets = tickets.filter(status=status)
    if category:
        tickets = tickets.filter(category=category)
    query = query.strip()
    if query:
        tickets = tickets.filter(_search(query))
    if status == TicketStatus.RESOLVED:
        return tickets.order_by("-resolved_at", "-pk")
    return tickets.annotate(rank=_rank()).order_by("rank", "created_at", "pk")


def requester_tickets(*, portal: Portal, user: User) -> Q:
    """Which tickets of `portal` are `user`'s own: those it opened while signed in and,
    once the account's own address is proven (`account_email_confirmed`), those opened
    without an account from that same address on this portal. Whoever holds that
    mailbox got their private links anyway; an unproven address links nothing, so typing
    someone else's address into an account never shows their tickets."""
    own = Q(requester=user)
    if account_email_confirmed(portal=portal, user=user):
        own |= Q(requester__isnull=True, email__iexact=user.email)
    return own


def tickets_of_requester(*, portal: Portal, user: User) -> QuerySet[Ticket]:
    """The tickets of `user` (`requester_tickets`): unresolved first, newest first."""
    return (
        Ticket.objects.filter(requester_tickets(portal=portal, user=user), portal=portal)
        .annotate(rank=Case(When(status=TicketStatus.RESOLVED, then=Value(1)), default=Value(0)))
        .order_by("rank", "-created_at", "-pk")
    )


def open_ticket_count(*, portal: Portal) -> int:
    """Tickets that wait for the helpdesk (open, not waiting for the user)."""
    return Ticket.objects.filter(portal=portal, status=TicketStatus.OPEN).count()


def ticket_opening_attachments(*, ticket: Ticket) -> list[TicketAttachment]:
    return list(ticket.attachments.filter(message__isnull=True))


def ticket_messages(*, ticket: Ticket) -> list[TicketMessage]:
    """The history, oldest first, with each message's files and author."""
    return list(
        ticket.messages.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=TicketAttachment.objects.order_by("uploaded_at", "pk"))
        )
    )


# What the staff-actions table of a ticket calls each audited action (the audit log page
# shows the codes themselves).
ACTION_LABELS = {
    "helpdesk.ticket_replied": _("Answered the requester"),
    "helpdesk.ticket_status_changed": _("Changed the status"),
    "helpdesk.confirmation_resent": _("Sent the registration's confirmation link again"),
    "helpdesk.password_reset_started": _("Emailed a password reset link"),
    "helpdesk.attachment_viewed": _("Opened an attachment"),
    "account.unlocked": _("Unlocked the username"),
    "login_activity.viewed": _("Read the login activity"),
    "second_factor.reset": _("Reset the second factors"),
}


def action_label(verb: str) -> str:
    return str(ACTION_LABELS.get(verb, verb))


def ticket_actions(*, ticket: Ticket) -> QuerySet[AuditEvent]:
    """Audit rows of what staff did on the ticket and, from it, to accounts (their
    reason starts with the ticket's reference)."""
    on_ticket = Q(target_type=Ticket._meta.label_lower, target_id=str(ticket.pk))
    from_ticket = Q(reason__startswith=f"{ticket.reference}: ")
    return AuditEvent.objects.filter(portal=ticket.portal).filter(on_ticket | from_ticket)


@dataclass(frozen=True)
class AccountCandidate:
    """An account of the portal that the ticket may be about, as the officer sees it."""

    user: User
    reasons: tuple[str, ...]  # "npwp", "email", "requester"
    locked_until: datetime | None
    registration_status: str
    registration_status_label: str
    company_name: str

    @property
    def confirmation_pending(self) -> bool:
        return self.registration_status == "email_unconfirmed"


def _match_reasons(user: User, ticket: Ticket, company_npwp: str) -> tuple[str, ...]:
    reasons = []
    if ticket.requester_id == user.pk:
        reasons.append("requester")
    if ticket.npwp and ticket.npwp in (user.username, company_npwp):
        reasons.append("npwp")
    if user.email.lower() == ticket.email.lower():
        reasons.append("email")
    return tuple(reasons)


def ticket_account_candidates(*, ticket: Ticket) -> list[AccountCandidate]:
    """Accounts of the ticket's portal whose username or company NPWP is the ticket's
    NPWP, whose email is the ticket's email, or that opened the ticket."""
    matches = Q(email__iexact=ticket.email)
    if ticket.npwp:
        matches |= Q(username=ticket.npwp) | Q(company_membership__company__npwp=ticket.npwp)
    if ticket.requester_id:
        matches |= Q(pk=ticket.requester_id)
    users = (
        User.objects.filter(portal=ticket.portal)
        .filter(matches)
        .select_related("registration", "company_membership__company")
        .distinct()
        .order_by("username", "pk")[:CANDIDATES_MAX]
    )
    return [_candidate(user, ticket) for user in users]


def _candidate(user: User, ticket: Ticket) -> AccountCandidate:
    registration = getattr(user, "registration", None)
    membership = getattr(user, "company_membership", None)
    company = membership.company if membership else None
    return AccountCandidate(
        user=user,
        reasons=_match_reasons(user, ticket, company.npwp if company else ""),
        locked_until=lock_until(portal=ticket.portal, username=user.username),
        registration_status=registration.status if registration else "",
        registration_status_label=registration.get_status_display() if registration else "",
        company_name=company.name if company else "",
    )
