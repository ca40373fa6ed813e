"""Contact data of a company, changed by its administrator at once: phone and address
directly; the email address only once the new address confirms it by an emailed link
(the old address is told), so that the company's mail never goes to a mistyped address."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.limits import seconds_until_below_limit
from inaproc.core.tokens import token_hash, token_new, token_plausible
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.companies.selectors.changes import CONTACT_FIELDS
from inaproc.vendors.models import Company, CompanyMember, CompanyRole, EmailChange

DEFAULT_EMAIL_CHANGE_HOURS = 48
DEFAULT_EMAIL_CHANGES_PER_HOUR = 3
TOKEN_PURPOSE = "inaproc.vendors.company_email_change"  # noqa: S105 (a salt, not a secret)


def email_change_hours() -> int:
    return getattr(settings, "COMPANY_EMAIL_CHANGE_HOURS", DEFAULT_EMAIL_CHANGE_HOURS)


def email_changes_per_hour() -> int:
    return getattr(settings, "COMPANY_EMAIL_CHANGES_PER_HOUR", DEFAULT_EMAIL_CHANGES_PER_HOUR)


def company_contact_update(
    *,
    company_id: int,
    portal: Portal,
    user: User,
    values: dict[str, Any],
    context: AuditContext | None = None,
) -> list[str]:
    """Save the phone and address fields of `values` that differ; audited with the old and
    new values. Returns the names of the fields that changed (none: nothing saved)."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company_id, portal=portal)
        changes = {
            name: [getattr(company, name), values[name]]
            for name in CONTACT_FIELDS
            if name in values and values[name] != getattr(company, name)
        }
        if not changes:
            return []
        for name, (_old, new) in changes.items():
            setattr(company, name, new)
        company.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=user,
            verb="company.contact_updated",
            target=company,
            portal=portal,
            payload={"changes": changes},
            context=context,
        )
    return sorted(changes)


# --- The company's email address ---------------------------------------------------------


def open_email_change(*, company: Company) -> EmailChange | None:
    """The newest request to change the company's address still waiting for its link."""
    return (
        EmailChange.objects.filter(
            company=company,
            confirmed_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _wait_seconds(company: Company) -> int:
    """0 if another link may go out now, else the seconds until one may."""
    return seconds_until_below_limit(
        EmailChange.objects.filter(company=company),
        limit=email_changes_per_hour(),
        window=timedelta(hours=1),
        at=timezone.now(),
    )


def company_email_change_request(
    *,
    company_id: int,
    portal: Portal,
    user: User,
    new_email: str,
    context: AuditContext | None = None,
) -> int:
    """Send a confirmation link to `new_email` (an older open request stops working) and a
    notice to the current address. Returns 0, or the seconds to wait when the company
    asked for too many links in the last hour (nothing is sent then)."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company_id, portal=portal)
        wait = _wait_seconds(company)
        if wait:
            return wait
        now = timezone.now()
        EmailChange.objects.filter(
            company=company, confirmed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
        token = token_new()
        change = EmailChange.objects.create(
            user=user,
            company=company,
            old_email=company.email,
            new_email=new_email,
            token_hash=token_hash(TOKEN_PURPOSE, token),
            expires_at=now + timedelta(hours=email_change_hours()),
        )
        audit_record(
            actor=user,
            verb="company.email_change_requested",
            target=company,
            portal=portal,
            payload={"old": change.old_email, "new": new_email},
            context=context,
        )
        _emails(change=change, token=token, portal=portal, user=user)
    return 0


def _emails(*, change: EmailChange, token: str, portal: Portal, user: User) -> None:
    context = {
        "company_name": change.company.name,
        "new_email": change.new_email,
        "requested_by": user.full_name or user.get_username(),
        "expires_at": change.expires_at,
        "valid_hours": email_change_hours(),
    }
    confirm_url = portal_absolute_url(portal, "vendors:company_email_confirm", token=token)
    email_send(
        to=change.new_email,
        portal=portal,
        template="vendors/email/company_email_confirm",
        language=get_language(),
        context={**context, "confirm_url": confirm_url},
    )
    email_send(
        to=change.old_email,
        portal=portal,
        template="vendors/email/company_email_change_notice",
        language=get_language(),
        context=context,
    )


def company_email_change_cancel(
    *, company_id: int, portal: Portal, user: User, context: AuditContext | None = None
):
    """The administrator takes back an address change still waiting for its link."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company_id, portal=portal)
        cancelled = EmailChange.objects.filter(
            company=company, confirmed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        if cancelled:
            audit_record(
                actor=user,
                verb="company.email_change_cancelled",
                target=company,
                portal=portal,
                context=context,
            )
    return cancelled


class EmailChangeState:
    VALID = "valid"
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    INVALID = "invalid"


def email_change_state(*, portal: Portal, token: str) -> tuple[str, EmailChange | None]:
    """What a confirmation link stands for, without using it."""
    if not token_plausible(token):
        return EmailChangeState.INVALID, None
    change = (
        EmailChange.objects.select_related("company")
        .filter(company__portal=portal, token_hash=token_hash(TOKEN_PURPOSE, token))
        .first()
    )
    return _state_of(change), change


def _state_of(change: EmailChange | None) -> str:
    if change is None:
        return EmailChangeState.INVALID
    if change.confirmed_at is not None:
        return EmailChangeState.ALREADY_CONFIRMED
    if change.cancelled_at is not None:
        return EmailChangeState.CANCELLED
    if timezone.now() >= change.expires_at:
        return EmailChangeState.EXPIRED
    return EmailChangeState.VALID


def _requester_still_admin(change: EmailChange) -> bool:
    return CompanyMember.objects.filter(
        company=change.company_id,
        user=change.user_id,
        user__is_active=True,
        role=CompanyRole.ADMIN,
        suspended_at__isnull=True,
    ).exists()


def company_email_change_confirm(
    *, portal: Portal, token: str, context: AuditContext | None = None
) -> tuple[str, EmailChange | None]:
    """Use a confirmation link: the company's address becomes the new one. A used,
    replaced or expired link changes nothing and says so."""
    state, change = email_change_state(portal=portal, token=token)
    if state != EmailChangeState.VALID:
        return state, change
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=change.company_id)
        change = EmailChange.objects.select_for_update().get(pk=change.pk)
        state = _state_of(change)
        if state != EmailChangeState.VALID:
            return state, change
        if not _requester_still_admin(change):
            # Withdrawn with the requester's rights (members._admin_requests_withdraw).
            change.cancelled_at = timezone.now()
            change.save(update_fields=["cancelled_at"])
            return EmailChangeState.CANCELLED, change
        company.email = change.new_email
        company.save(update_fields=["email", "updated_at"])
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
        change.company = company
        audit_record(
            # Whoever holds the new address's mail confirms; the request was the admin's.
            actor=None,
            verb="company.email_changed",
            target=company,
            portal=portal,
            payload={
                "old": change.old_email,
                "new": change.new_email,
                "requested_by": change.user_id,
            },
            context=context,
        )
    return EmailChangeState.CONFIRMED, change


# --- The administrator's own account address ----------------------------------------------


def account_email_from_company(
    *, company_id: int, portal: Portal, user: User, context: AuditContext | None = None
) -> bool:
    """The signed-in administrator's own account address (where its password resets and
    sign-in codes go) becomes the company's address, already proven (confirmed at
    registration, changed only through a link to the new address). The old address is
    told. Returns False when they are the same already (nothing changed)."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company_id, portal=portal)
        account = User.objects.select_for_update().get(pk=user.pk, portal=portal)
        old_email = account.email
        if old_email.casefold() == company.email.casefold():
            return False
        account.email = company.email
        account.save(update_fields=["email"])
        audit_record(
            actor=account,
            verb="account.email_changed",
            target=account,
            portal=portal,
            payload={"old": old_email, "new": company.email, "from": "company_email"},
            context=context,
        )
        email_send(
            to=old_email,
            portal=portal,
            template="vendors/email/account_email_changed_notice",
            language=get_language(),
            context={"username": account.get_username(), "new_email": company.email},
        )
    user.email = company.email
    return True
