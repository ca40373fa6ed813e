import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from inaproc.accounts.models import LoginOutcome, Role, User, UsernameLock
from inaproc.accounts.models.signin import COUNTED_OUTCOMES, LoginAttempt
from inaproc.accounts.usernames import username_key
from inaproc.portals.models import CaptchaMode, Portal


def dashboard_context(*, user: User) -> dict[str, Any]:
    """What the role-aware dashboard shows to `user`."""
    return {
        "is_vendor": user.role == Role.VENDOR,
        "is_verifier": user.role == Role.VERIFIER,
        "is_helpdesk": user.role == Role.HELPDESK,
        "is_portal_admin": user.role == Role.PORTAL_ADMIN,
    }


def lock_until(*, portal: Portal, username: str, at: datetime | None = None) -> datetime | None:
    """The end of the lock on (portal, username) if one holds now, else None."""
    at = at or timezone.now()
    return (
        UsernameLock.objects.filter(
            portal=portal, username_key=username_key(username), locked_until__gt=at
        )
        .values_list("locked_until", flat=True)
        .first()
    )


def ip_retry_after(*, portal: Portal, ip_address: str | None, at: datetime | None = None) -> int:
    """Seconds this address must wait before its next sign-in attempt on `portal`, or 0.

    An address with LOGIN_IP_FAILURE_LIMIT failures within the window waits until the
    oldest of them leaves it: many failures across usernames slow the address down
    without locking any of the accounts it tried.
    """
    if not ip_address:
        return 0
    at = at or timezone.now()
    window = timedelta(minutes=settings.LOGIN_IP_FAILURE_WINDOW_MINUTES)
    limit = settings.LOGIN_IP_FAILURE_LIMIT
    recent = list(
        LoginAttempt.objects.filter(
            portal=portal,
            ip_address=ip_address,
            outcome__in=COUNTED_OUTCOMES,
            created_at__gt=at - window,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[-1] + window - at).total_seconds()))


def ip_has_recent_failure(*, portal: Portal, ip_address: str | None) -> bool:
    if not ip_address:
        return False
    since = timezone.now() - timedelta(minutes=portal.login_failure_window_minutes)
    return LoginAttempt.objects.filter(
        portal=portal,
        ip_address=ip_address,
        outcome__in=(*COUNTED_OUTCOMES, LoginOutcome.CAPTCHA_WRONG),
        created_at__gt=since,
    ).exists()


def captcha_required(*, portal: Portal, ip_address: str | None, session_flag: bool) -> bool:
    """Whether the login form shows the image CAPTCHA, by the portal's CAPTCHA mode."""
    if portal.captcha_mode == CaptchaMode.ALWAYS:
        return True
    if portal.captcha_mode == CaptchaMode.OFF:
        return False
    return session_flag or ip_has_recent_failure(portal=portal, ip_address=ip_address)
