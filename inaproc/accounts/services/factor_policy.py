"""Who may skip the second step and on which portals: remembered browsers ("remember
this browser" after a second factor), and the portal administrator's second-factor
policy (which also forgets the browsers remembered under a setting turned off)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from inaproc.accounts.models import RememberedBrowser, Role, User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext

# --- Remembered browsers ----------------------------------------------------------------


def remember_allowed(user: User) -> bool:
    portal = user.portal
    if portal is None:
        return False
    if user.role == Role.VENDOR:
        return portal.remember_browser_for_vendors
    return portal.remember_browser_for_staff


def _browser_token_hash(token: str) -> str:
    return salted_hmac("inaproc.accounts.remembered_browser", token, algorithm="sha256").hexdigest()


def remembered_browser_create(*, user: User, browser: str) -> str:
    """A remembered browser for SECOND_FACTOR_REMEMBER_DAYS; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    record = RememberedBrowser.objects.create(
        user=user,
        token_hash=_browser_token_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.SECOND_FACTOR_REMEMBER_DAYS),
        browser=browser[:100],
    )
    return f"{record.pk}:{token}"


def remembered_browser_valid(*, user: User, cookie: str | None) -> bool:
    if not cookie or not remember_allowed(user):
        return False
    record_id, _sep, token = cookie.partition(":")
    if not record_id.isdigit() or not token:
        return False
    record = RememberedBrowser.objects.filter(
        pk=int(record_id), user=user, expires_at__gt=timezone.now()
    ).first()
    return record is not None and constant_time_compare(
        record.token_hash, _browser_token_hash(token)
    )


def remembered_browsers_forget(*, user: User) -> int:
    deleted, _ = RememberedBrowser.objects.filter(user=user).delete()
    return deleted


# --- The portal's second-factor policy (portal administrators) ------------------------

PORTAL_FACTOR_SETTINGS = (
    "require_second_factor_for_vendor_admins",
    "remember_browser_for_vendors",
    "remember_browser_for_staff",
)


def portal_factor_settings_update(
    *, portal, actor: User, values: dict, context: AuditContext | None = None
) -> list[str]:
    """Set the portal's second-factor policy; returns the names of the settings that
    changed (audited with old and new values). Turning a "remember this browser" setting
    off forgets the browsers remembered under it."""
    changed = {
        name: (getattr(portal, name), bool(values[name]))
        for name in PORTAL_FACTOR_SETTINGS
        if name in values and getattr(portal, name) != bool(values[name])
    }
    if not changed:
        return []
    with transaction.atomic():
        for name, (_old, new) in changed.items():
            setattr(portal, name, new)
        portal.save(update_fields=list(changed))
        forgotten = RememberedBrowser.objects.none()
        if changed.get("remember_browser_for_vendors", (False, True))[1] is False:
            forgotten |= RememberedBrowser.objects.filter(
                user__portal=portal, user__role=Role.VENDOR
            )
        if changed.get("remember_browser_for_staff", (False, True))[1] is False:
            forgotten |= RememberedBrowser.objects.filter(user__portal=portal).exclude(
                user__role=Role.VENDOR
            )
        forgotten.delete()
        audit_record(
            actor=actor,
            verb="portal.second_factor_policy_changed",
            target=portal,
            portal=portal,
            payload={name: {"old": old, "new": new} for name, (old, new) in changed.items()},
            context=context,
        )
    return list(changed)
