"""What a helpdesk officer may do to an account from a ticket: unlock it, send the
registration's confirmation link again, or email the owner a password reset link.

Each takes the officer's reason and records the ticket's reference with it, so the audit
log says who did what, why, and for which request. Nothing here shows a link or a
password to the officer: links go only to the account's own address."""

from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import translation

from inaproc.accounts.links import password_reset_link
from inaproc.accounts.models import User
from inaproc.accounts.services.emails import account_email_allowed, account_email_send
from inaproc.accounts.services.passwords import RESET_EMAIL
from inaproc.accounts.services.signin import account_unlock
from inaproc.accounts.tokens import password_reset_token
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.helpdesk.models import Ticket
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.models import Registration, RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import confirmation_resend


class ToolOutcome(StrEnum):
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"  # not locked, or no confirmation pending
    TOO_MANY = "too_many"  # the address got enough emails of this kind this hour


def ticket_reason(ticket: Ticket, reason: str) -> str:
    """The officer's reason as the audit log keeps it: `HD-000123: identity checked`."""
    return f"{ticket.reference}: {reason}"


def ticket_account_unlock(
    *, ticket: Ticket, user: User, actor: User, reason: str, context: AuditContext | None = None
) -> ToolOutcome:
    unlocked = account_unlock(
        portal=ticket.portal,
        username=user.username,
        actor=actor,
        reason=ticket_reason(ticket, reason),
        context=context,
    )
    return ToolOutcome.DONE if unlocked else ToolOutcome.NOT_APPLICABLE


def pending_confirmation(user: User) -> Registration | None:
    """The registration of `user` that still waits for its email to be confirmed."""
    return Registration.objects.filter(
        applicant=user, portal_id=user.portal_id, status=RegistrationStatus.EMAIL_UNCONFIRMED
    ).first()


def ticket_confirmation_resend(
    *, ticket: Ticket, user: User, actor: User, reason: str, context: AuditContext | None = None
) -> ToolOutcome:
    """A new confirmation link to the registration's own address (the old one stops
    working). An approved vendor has no such link: the officer starts a reset instead."""
    registration = pending_confirmation(user)
    if registration is None:
        return ToolOutcome.NOT_APPLICABLE
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        if confirmation_resend(registration_id=registration.pk):
            return ToolOutcome.TOO_MANY
        sent_before = registration.confirmation_sent_at
        registration.refresh_from_db(fields=["confirmation_sent_at"])
        if registration.confirmation_sent_at == sent_before:  # confirmed meanwhile
            return ToolOutcome.NOT_APPLICABLE
        audit_record(
            actor=actor,
            verb="helpdesk.confirmation_resent",
            target=user,
            portal=ticket.portal,
            reason=ticket_reason(ticket, reason),
            payload={"ticket": ticket.reference, "registration": registration.pk},
            context=context,
        )
    return ToolOutcome.DONE


def ticket_password_reset_start(
    *, ticket: Ticket, user: User, actor: User, reason: str, context: AuditContext | None = None
) -> ToolOutcome:
    """The ordinary reset email, to the account's own address: its owner chooses the new
    password (which also ends a lock). Bound by the same hourly limit as the form."""
    if not account_email_allowed(to=user.email, template=RESET_EMAIL):
        return ToolOutcome.TOO_MANY
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        account_email_send(
            user=user,
            template=RESET_EMAIL,
            context={
                "reset_url": password_reset_link(user),
                "minutes": password_reset_token.max_age_seconds(user) // 60,
                "request_url": portal_absolute_url(user.portal, "accounts:password_reset"),
            },
        )
        audit_record(
            actor=actor,
            verb="helpdesk.password_reset_started",
            target=user,
            portal=ticket.portal,
            reason=ticket_reason(ticket, reason),
            payload={"ticket": ticket.reference},
            context=context,
        )
    return ToolOutcome.DONE
