"""Retention of sign-in records (DESIGN.md §5, privacy): login attempts and ended
sessions are kept LOGIN_ACTIVITY_RETENTION_DAYS days; used or expired login codes and
idle lockout rows go as soon as they can no longer matter."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import (
    AccountEmailRequest,
    LoginAttempt,
    LoginCode,
    UsernameLock,
    UserSession,
)
from inaproc.accounts.models.signin import COUNTED_OUTCOMES
from inaproc.portals.models import Portal

# A login code is kept a day past its expiry, long enough to answer "what was that email?".
LOGIN_CODE_GRACE = timedelta(days=1)


def login_activity_prune(*, days: int, at: datetime | None = None) -> dict[str, int]:
    """Delete what is past retention; returns how many rows of each kind went.

    Idempotent: a second run at the same moment deletes nothing. Rows deleted:
    login attempts older than `days`; sessions that ended more than `days` ago, and
    sessions never ended but started more than `days` ago (past any absolute lifetime,
    so dead); login codes that expired more than a day ago; lockout rows with no lock
    holding and no counted failure inside their portal's failure window.
    """
    if days < 1:
        raise ValidationError({"days": _("Keep at least one day.")})
    now = at or timezone.now()
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        attempts = LoginAttempt.objects.filter(created_at__lt=cutoff).delete()[0]
        sessions = UserSession.objects.filter(
            Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, created_at__lt=cutoff)
        ).delete()[0]
        codes = LoginCode.objects.filter(expires_at__lt=now - LOGIN_CODE_GRACE).delete()[0]
        locks = sum(_idle_locks(portal, now).delete()[0] for portal in Portal.objects.all())
        # Only the last hour counts for per-address limiting; a day is plenty.
        requests = AccountEmailRequest.objects.filter(created_at__lt=now - timedelta(days=1))
        email_requests = requests.delete()[0]
    return {
        "login_attempts": attempts,
        "sessions": sessions,
        "login_codes": codes,
        "locks": locks,
        "email_requests": email_requests,
    }


def _idle_locks(portal: Portal, now: datetime):
    """`portal`'s lockout rows that hold no lock and count no failure now: deleting one
    changes nothing, as the next failure starts a fresh row."""
    window_start = now - timedelta(minutes=portal.login_failure_window_minutes)
    recent_failure = LoginAttempt.objects.filter(
        portal=portal,
        username_key=OuterRef("username_key"),
        outcome__in=COUNTED_OUTCOMES,
        created_at__gt=window_start,
    )
    return (
        UsernameLock.objects.filter(portal=portal)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .exclude(Exists(recent_failure))
    )
