"""Tickets: opening one, answering it (requester or staff) and changing its status.

The private link is mailed once, when the ticket is opened: the database keeps only the
keyed hash of its token, so later emails (staff replies) cannot repeat it; they tell the
requester to use the first email's link, or to sign in when the ticket has an account.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import ngettext

from inaproc.accounts.models import AccountEmailRequest, User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.tokens import token_hash, token_new
from inaproc.files.models import HeldUpload
from inaproc.files.services import (
    STORED_FILE_FIELDS,
    CheckedUpload,
    files_remove,
    files_store,
)
from inaproc.helpdesk.models import (
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketStatus,
)
from inaproc.helpdesk.selectors.tickets import TICKET_MAX_FILES, ticket_files_left
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url

TOKEN_PURPOSE = "inaproc.helpdesk.ticket"  # noqa: S105 (a purpose, not a secret)
OPENED_EMAIL = "helpdesk/email/ticket_opened"
REPLY_EMAIL = "helpdesk/email/ticket_reply"
LINK_EMAIL = "helpdesk/email/ticket_link"
# Counted with the reset and code requests of `accounts` (AccountEmailRequest): one
# client address may ask a portal for ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS emails an hour.
EMAIL_REQUEST_KIND = "helpdesk_ticket"
NUMBER_ATTEMPTS = 5

T = TypeVar("T")


def ticket_token_hash(token: str) -> str:
    return token_hash(TOKEN_PURPOSE, token)


@dataclass(frozen=True)
class TicketData:
    """What the requester typed, cleaned by the form."""

    category: str
    name: str
    npwp: str
    email: str
    occurred_at: datetime
    description: str


def _with_files(portal: Portal, uploads: list[CheckedUpload], write: Callable[[list], T]) -> T:
    """Store the uploads, then run `write(fields)` in a transaction; the files are removed
    again if it fails, so no file is left without its row."""
    written = files_store(items=uploads, portal=portal)
    try:
        with transaction.atomic():
            return write(written)
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise


def _attach(ticket: Ticket, message: TicketMessage | None, written: list[dict]) -> None:
    TicketAttachment.objects.bulk_create(
        [TicketAttachment(ticket=ticket, message=message, **fields) for fields in written]
    )


def _ticket_insert(portal: Portal, **fields) -> Ticket:
    """The next number of the portal; two tickets opened at once meet at the unique
    constraint and the later one takes the number after."""
    for _attempt in range(NUMBER_ATTEMPTS):
        last = Ticket.objects.filter(portal=portal).aggregate(last=Max("number"))["last"]
        try:
            with transaction.atomic():
                return Ticket.objects.create(portal=portal, number=(last or 0) + 1, **fields)
        except IntegrityError:
            continue
    raise IntegrityError("No free ticket number after several attempts.")


def ticket_create(
    *,
    portal: Portal,
    data: TicketData,
    requester: User | None,
    uploads: list[CheckedUpload],
    held: Iterable[HeldUpload] = (),
    context: AuditContext | None = None,
) -> Ticket:
    """Open a ticket and email its private link to the address given. The link is the
    only way in without an account, so it goes only to that mailbox. `held`: files kept
    from an earlier submit of the form; they become attachments."""
    token = token_new()
    held = list(held)

    def write(written: list[dict]) -> Ticket:
        ticket = _ticket_insert(
            portal,
            access_token_hash=ticket_token_hash(token),
            link_sent_at=timezone.now(),
            requester=requester if requester and requester.is_authenticated else None,
            **asdict(data),
        )
        kept = [{name: getattr(h, name) for name in STORED_FILE_FIELDS} for h in held]
        _attach(ticket, None, [*kept, *written])
        HeldUpload.objects.filter(pk__in=[h.pk for h in held]).delete()
        AccountEmailRequest.objects.create(
            portal=portal,
            kind=EMAIL_REQUEST_KIND,
            ip_address=(context.ip_address if context is not None else None),
        )
        _opened_notify(ticket, token)
        return ticket

    return _with_files(portal, uploads, write)


def _opened_notify(ticket: Ticket, token: str) -> None:
    email_send(
        to=ticket.email,
        portal=ticket.portal,
        template=OPENED_EMAIL,
        context={
            "ticket": ticket,
            "reference": ticket.reference,
            "category": ticket.get_category_display(),
            "ticket_url": portal_absolute_url(
                ticket.portal, "helpdesk_public:ticket_link", token=token
            ),
            "contact_url": portal_absolute_url(ticket.portal, "helpdesk_public:contact"),
            "days": settings.HELPDESK_TICKET_LINK_DAYS,
        },
    )


def ticket_link_renew(*, ticket: Ticket) -> None:
    """Mail a new private link for `ticket` to its address, valid for
    HELPDESK_TICKET_LINK_DAYS; the previous link stops working. Asked for from the page of
    an expired link, so only by someone who held that link; the new one still goes only
    to the ticket's mailbox."""
    token = token_new()
    with transaction.atomic():
        locked = _locked(ticket.pk, ticket.portal)
        locked.access_token_hash = ticket_token_hash(token)
        locked.link_sent_at = timezone.now()
        locked.save(update_fields=["access_token_hash", "link_sent_at"])
        email_send(
            to=locked.email,
            portal=locked.portal,
            template=LINK_EMAIL,
            context={
                "reference": locked.reference,
                "days": settings.HELPDESK_TICKET_LINK_DAYS,
                "ticket_url": portal_absolute_url(
                    locked.portal, "helpdesk_public:ticket_link", token=token
                ),
                "contact_url": portal_absolute_url(locked.portal, "helpdesk_public:contact"),
            },
        )


def _locked(ticket_id: int, portal: Portal) -> Ticket:
    # Only this row: FOR UPDATE on the joined portal would hold up every insert that
    # refers to the portal.
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("portal", "requester")
        .get(pk=ticket_id, portal=portal)
    )


def _status_set(ticket: Ticket, status: str) -> bool:
    """Move the ticket to `status` (saved by the caller); False if it is there already."""
    if ticket.status == status:
        return False
    ticket.status = status
    ticket.resolved_at = timezone.now() if status == TicketStatus.RESOLVED else None
    return True


def files_full_message() -> str:
    return ngettext(
        "This ticket already holds the most files allowed (%(count)d). Describe the rest "
        "in your answer, or send without files.",
        "This ticket already holds the most files allowed (%(count)d). Describe the rest "
        "in your answer, or send without files.",
        TICKET_MAX_FILES,
    ) % {"count": TICKET_MAX_FILES}


def ticket_requester_reply(
    *, ticket: Ticket, body: str, author: User | None, uploads: list[CheckedUpload]
) -> TicketMessage:
    """The requester answers. A ticket waiting for them, or resolved, is open again."""

    def write(written: list[dict]) -> TicketMessage:
        locked = _locked(ticket.pk, ticket.portal)
        if len(written) > ticket_files_left(ticket=locked):
            raise ValidationError({"attachments": files_full_message()})
        reopened = _status_set(locked, TicketStatus.OPEN)
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        message = TicketMessage.objects.create(
            ticket=locked,
            author=author if author and author.is_authenticated else None,
            body=body,
            status=TicketStatus.OPEN if reopened else "",
        )
        _attach(locked, message, written)
        return message

    return _with_files(ticket.portal, uploads, write)


def ticket_staff_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    status: str,
    uploads: list[CheckedUpload],
    context: AuditContext | None = None,
) -> TicketMessage:
    """A helpdesk officer answers (and may change the status at once): audited, and
    emailed to the requester."""

    def write(written: list[dict]) -> TicketMessage:
        locked = _locked(ticket.pk, ticket.portal)
        changed = _status_set(locked, status)
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        message = TicketMessage.objects.create(
            ticket=locked,
            author=actor,
            from_staff=True,
            body=body,
            status=status if changed else "",
        )
        _attach(locked, message, written)
        audit_record(
            actor=actor,
            verb="helpdesk.ticket_replied",
            target=locked,
            portal=locked.portal,
            payload={"ticket": locked.reference, "status": locked.status, "files": len(written)},
            context=context,
        )
        _reply_notify(locked, message)
        return message

    return _with_files(ticket.portal, uploads, write)


def _reply_notify(ticket: Ticket, message: TicketMessage) -> None:
    # In the portal's language, not the officer's: the requester chose no language here.
    with translation.override(settings.LANGUAGE_CODE):
        email_send(
            to=ticket.email,
            portal=ticket.portal,
            template=REPLY_EMAIL,
            context={
                "ticket": ticket,
                "reference": ticket.reference,
                "body": message.body,
                "status": ticket.get_status_display(),
                "status_changed": bool(message.status),
                "has_files": message.attachments.exists(),
                "account_url": (
                    portal_absolute_url(
                        ticket.portal, "helpdesk_public:my_ticket", number=ticket.number
                    )
                    if ticket.requester_id
                    else ""
                ),
                "new_ticket_url": portal_absolute_url(ticket.portal, "helpdesk_public:ticket_new"),
            },
        )


def ticket_status_change(
    *, ticket: Ticket, actor: User, status: str, context: AuditContext | None = None
) -> bool:
    """A helpdesk officer changes the status without a message (not emailed). False if
    the ticket already had that status: nothing is written."""
    with transaction.atomic():
        locked = _locked(ticket.pk, ticket.portal)
        if not _status_set(locked, status):
            return False
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        TicketMessage.objects.create(ticket=locked, author=actor, from_staff=True, status=status)
        audit_record(
            actor=actor,
            verb="helpdesk.ticket_status_changed",
            target=locked,
            portal=locked.portal,
            payload={"ticket": locked.reference, "status": status},
            context=context,
        )
    return True


def attachment_view_record(
    *, actor: User, attachment: TicketAttachment, context: AuditContext | None = None
) -> None:
    """A helpdesk officer opened a requester's file: audited, as staff views of a
    company's documents are."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="helpdesk.attachment_viewed",
            target=attachment.ticket,
            portal=attachment.ticket.portal,
            payload={
                "ticket": attachment.ticket.reference,
                "attachment": str(attachment.public_id),
            },
            context=context,
        )
