"""A registration's email confirmation: the link (sent, resent within a limit, used once),
a mistyped address corrected before it is confirmed, and the clean-up of registrations
nobody confirmed."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.files.services import files_remove
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.models import (
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)

DEFAULT_CONFIRMATION_HOURS = 48


DEFAULT_CONFIRMATIONS_PER_HOUR = 3


DEFAULT_UNCONFIRMED_DAYS = 7


def confirmation_hours() -> int:
    return getattr(settings, "REGISTRATION_CONFIRMATION_HOURS", DEFAULT_CONFIRMATION_HOURS)


def confirmation_token_hash(token: str) -> str:
    return salted_hmac("inaproc.vendors.registration_confirmation", token).hexdigest()


def confirmation_send(*, registration: Registration) -> None:
    """Inside a transaction: a new single-use link (the previous one stops working),
    emailed to the registration's address once the transaction commits."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    registration.confirmation_token_hash = confirmation_token_hash(token)
    registration.confirmation_sent_at = now
    registration.save(update_fields=["confirmation_token_hash", "confirmation_sent_at"])
    RegistrationEvent.objects.create(registration=registration, kind=EventKind.CONFIRMATION_SENT)
    portal = registration.portal
    email_send(
        to=registration.applicant.email,
        portal=portal,
        template="vendors/email/registration_confirm",
        language=get_language(),
        context={
            "company_name": registration.company.name,
            "username": registration.applicant.username,
            "confirm_url": portal_absolute_url(portal, "vendors:confirm", token=token),
            "valid_hours": confirmation_hours(),
            "expires_at": now + timedelta(hours=confirmation_hours()),
        },
    )


def confirmation_resend_wait(*, registration: Registration) -> int:
    """0 if another confirmation email may go out now, else the seconds to wait."""
    limit = getattr(settings, "REGISTRATION_CONFIRMATIONS_PER_HOUR", DEFAULT_CONFIRMATIONS_PER_HOUR)
    since = timezone.now() - timedelta(hours=1)
    recent = list(
        registration.events.filter(kind=EventKind.CONFIRMATION_SENT, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    return max(1, int((recent[-1] + timedelta(hours=1) - timezone.now()).total_seconds()) + 1)


def confirmation_resend(*, registration_id: int) -> int:
    """Send a new confirmation link unless the limit is reached or the email is already
    confirmed. Returns 0 when sent (or nothing to send), else the seconds to wait."""
    with transaction.atomic():
        registration = (
            # Only this row: FOR UPDATE on the joined portal row would hold up every
            # insert that refers to the portal (audit rows, emails, login attempts).
            Registration.objects.select_for_update(of=("self",))
            .select_related("portal", "company", "applicant")
            .get(pk=registration_id)
        )
        if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
            return 0
        wait = confirmation_resend_wait(registration=registration)
        if wait:
            return wait
        confirmation_send(registration=registration)
    return 0


class EmailNotCorrectable(Exception):
    """The registration's address is confirmed already: it changes only through the
    company's email change (a link to the new address, after approval)."""


def registration_email_correct(
    *,
    registration_id: int,
    portal: Portal,
    new_email: str,
    context: AuditContext | None = None,
) -> int:
    """While the address is unconfirmed, the applicant (who proved the password) replaces
    a mistyped one: the account's and the company's address become `new_email`, the old
    link stops working and a new one goes to the new address, within the resend limit.
    Returns 0 when done, else the seconds to wait (nothing changed). Raises
    EmailNotCorrectable once confirmed, ValidationError when the address is unchanged.

    Nothing is sent to the old address: it is the typo, possibly someone else's mailbox."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("portal", "company", "applicant")
            .get(pk=registration_id, portal=portal)
        )
        if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
            raise EmailNotCorrectable
        applicant, company = registration.applicant, registration.company
        old_email = applicant.email
        if new_email.casefold() == old_email.casefold():
            raise ValidationError({"email": email_unchanged_message()}, code="unchanged")
        wait = confirmation_resend_wait(registration=registration)
        if wait:
            return wait
        applicant.email = new_email
        applicant.save(update_fields=["email"])
        company.email = new_email
        company.save(update_fields=["email", "updated_at"])
        audit_record(
            actor=applicant,
            verb="registration.email_corrected",
            target=registration,
            portal=portal,
            payload={"old": old_email, "new": new_email},
            context=context,
        )
        confirmation_send(registration=registration)
    return 0


def email_unchanged_message() -> str:
    return _("This is the address the registration already has. Type the corrected address.")


class ConfirmOutcome:
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"


def confirmation_state(*, portal: Portal, token: str) -> tuple[str, Registration | None]:
    """What a confirmation link stands for, without using it."""
    if not token or len(token) > 100:
        return ConfirmOutcome.INVALID, None
    registration = (
        Registration.objects.select_related("company", "applicant")
        .filter(portal=portal, confirmation_token_hash=confirmation_token_hash(token))
        .first()
    )
    if registration is None:
        return ConfirmOutcome.INVALID, None
    if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
        return ConfirmOutcome.ALREADY_CONFIRMED, registration
    expires = registration.confirmation_sent_at + timedelta(hours=confirmation_hours())
    if timezone.now() >= expires:
        return ConfirmOutcome.EXPIRED, registration
    return ConfirmOutcome.CONFIRMED, registration


def registration_confirm_email(
    *, portal: Portal, token: str, context: AuditContext | None = None
) -> tuple[str, Registration | None]:
    """Use a confirmation link: the registration enters the verifiers' queue. Using it
    again, or after it expired, changes nothing and says so."""
    outcome, registration = confirmation_state(portal=portal, token=token)
    if outcome != ConfirmOutcome.CONFIRMED:
        return outcome, registration
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        outcome, _registration = confirmation_state(portal=portal, token=token)
        if outcome != ConfirmOutcome.CONFIRMED:
            return outcome, registration
        registration.confirm_email(at=timezone.now())
        registration.save()
        RegistrationEvent.objects.create(
            registration=registration, kind=EventKind.EMAIL_CONFIRMED, actor=registration.applicant
        )
        audit_record(
            actor=None,
            verb="registration.email_confirmed",
            target=registration,
            portal=portal,
            context=context,
        )
    return ConfirmOutcome.CONFIRMED, registration


def unconfirmed_days() -> int:
    return getattr(settings, "REGISTRATION_UNCONFIRMED_DAYS", DEFAULT_UNCONFIRMED_DAYS)


def unconfirmed_registrations_prune(*, now=None) -> int:
    """Delete registrations whose email nobody confirmed within REGISTRATION_UNCONFIRMED_DAYS
    of the last link: the inactive account, the company, its documents (rows and files) and
    the registration. This frees the NPWP and username for the real company (someone may
    have registered it with a mistyped or someone else's address) and keeps no personal
    data that nobody confirmed. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=unconfirmed_days())
    stale = Registration.objects.filter(
        status=RegistrationStatus.EMAIL_UNCONFIRMED, confirmation_sent_at__lt=cutoff
    )
    removed = 0
    for registration_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            registration = (
                stale.select_for_update(of=("self",))
                .select_related("company", "applicant", "portal")
                .filter(pk=registration_id)
                .first()
            )
            if registration is None:  # confirmed meanwhile
                continue
            company, applicant = registration.company, registration.applicant
            names = list(company.documents.values_list("stored_name", flat=True))
            audit_record(
                actor=None,
                verb="registration.expired",
                target=registration,
                portal=registration.portal,
                payload={"npwp": company.npwp, "username": applicant.username},
            )
            registration.delete()
            company.documents.all().delete()
            company.delete()
            applicant.delete()
            transaction.on_commit(lambda names=names: files_remove(names=names))
        removed += 1
    return removed
