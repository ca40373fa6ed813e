from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from inaproc.accounts.models import (
    PORTAL_STAFF_ROLES,
    AccountEmailRequest,
    LoginOutcome,
    Passkey,
    Role,
    User,
    UsernameLock,
    UserSession,
)
from inaproc.accounts.models.signin import COUNTED_OUTCOMES, LoginAttempt
from inaproc.accounts.usernames import username_key, username_normalize
from inaproc.core.limits import seconds_until_below_limit
from inaproc.portals.models import CaptchaMode, Portal


def dashboard_context(*, user: User) -> dict[str, Any]:
    """What the role-aware dashboard shows to `user`."""
    return {
        "is_vendor": user.role == Role.VENDOR,
        "is_verifier": user.has_role(Role.VERIFIER),
        "is_helpdesk": user.has_role(Role.HELPDESK),
        "is_portal_admin": user.has_role(Role.PORTAL_ADMIN),
        "is_ppk": user.has_role(Role.PPK),
        "is_pokja": user.has_role(Role.POKJA),
        "is_pejabat_pengadaan": user.has_role(Role.PEJABAT_PENGADAAN),
    }


def account_for_username(*, portal: Portal | None, username: str) -> User | None:
    """The account `username` names on `portal` (None: platform accounts), looked up as
    the sign-in backend does: normalised (an NPWP however typed), case-insensitive."""
    return (
        User.objects.filter(portal=portal, username__iexact=username_normalize(username))
        .select_related("portal")
        .first()
    )


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


def failures_counted(
    *, portal: Portal, username: str, counted_since: datetime | None, at: datetime
) -> int:
    """The failures of (portal, username) that count towards a lock at `at`: those within
    the portal's window and after `counted_since` (moved on by a lock, unlock or success)."""
    since = at - timedelta(minutes=portal.login_failure_window_minutes)
    if counted_since and counted_since > since:
        since = counted_since
    return LoginAttempt.objects.filter(
        portal=portal,
        username_key=username_key(username),
        outcome__in=COUNTED_OUTCOMES,
        created_at__gt=since,
        created_at__lte=at,
    ).count()


def sign_in_tries_left(*, portal: Portal, username: str, at: datetime | None = None) -> int:
    """How many more failures (portal, username) may have before it is locked (0 while
    a lock holds). The same for a username that names no account: it is counted alike."""
    at = at or timezone.now()
    lock = UsernameLock.objects.filter(portal=portal, username_key=username_key(username)).first()
    if lock is not None and lock.is_locked(at):
        return 0
    counted = failures_counted(
        portal=portal,
        username=username,
        counted_since=lock.counted_since if lock else None,
        at=at,
    )
    return max(portal.login_failure_limit - counted, 0)


def ip_retry_after(*, portal: Portal, ip_address: str | None, at: datetime | None = None) -> int:
    """Seconds this address must wait before its next sign-in attempt on `portal`, or 0.

    An address with LOGIN_IP_FAILURE_LIMIT failures within the window waits until the
    oldest of them leaves it: many failures across usernames slow the address down
    without locking any of the accounts it tried.
    """
    if not ip_address:
        return 0
    failures = LoginAttempt.objects.filter(
        portal=portal, ip_address=ip_address, outcome__in=COUNTED_OUTCOMES
    )
    return seconds_until_below_limit(
        failures,
        limit=settings.LOGIN_IP_FAILURE_LIMIT,
        window=timedelta(minutes=settings.LOGIN_IP_FAILURE_WINDOW_MINUTES),
        at=at or timezone.now(),
    )


def account_email_request_retry_after(
    *, portal: Portal, ip_address: str | None, at: datetime | None = None
) -> int:
    """Seconds before this address may ask `portal` for another account email, or 0.

    Each mailbox is protected by ACCOUNT_EMAILS_PER_HOUR; this limit keeps one address
    from filling the task queue with requests (ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS an
    hour). It depends on the address only, so it says nothing about any account.
    """
    if not ip_address:
        return 0
    return seconds_until_below_limit(
        AccountEmailRequest.objects.filter(portal=portal, ip_address=ip_address),
        limit=settings.ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS,
        window=timedelta(hours=1),
        at=at or timezone.now(),
    )


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


# -----------------------------------------------------------------------------
# Sessions and login activity
# -----------------------------------------------------------------------------
def user_session_current(*, user: User, session_key: str | None) -> UserSession | None:
    """The session record behind `session_key` if it is `user`'s (one indexed query)."""
    if not session_key:
        return None
    return UserSession.objects.filter(session_key=session_key, user_id=user.pk).first()


def user_session_with_user(*, session_key: str, user_id: int) -> UserSession | None:
    """The record of session `session_key` if it is user `user_id`'s, with the user read
    in the same query (the signed-in request's, accounts/middleware.py)."""
    return (
        UserSession.objects.select_related("user")
        .filter(session_key=session_key, user_id=user_id)
        .first()
    )


def user_session_list(*, user: User, at: datetime | None = None) -> QuerySet[UserSession]:
    """`user`'s sessions that are still open by the portal's policy, last used first.

    A session whose browser never came back after the idle timeout has no end recorded
    yet (it ends on its next request); it is no longer listed.
    """
    at = at or timezone.now()
    sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if user.portal is not None:
        idle = timedelta(minutes=user.portal.session_idle_minutes)
        absolute = timedelta(hours=user.portal.session_absolute_hours)
        sessions = sessions.filter(last_seen_at__gt=at - idle, created_at__gt=at - absolute)
    return sessions.order_by("-last_seen_at", "-pk")


def login_activity_for_user(
    *, user: User, days: int, at: datetime | None = None
) -> QuerySet[LoginAttempt]:
    """Sign-in attempts linked to `user` in the last `days` days, newest first.

    Attempts with a username that matched no account at the time are not linked to
    anyone and so never appear here.
    """
    since = (at or timezone.now()) - timedelta(days=days)
    return LoginAttempt.objects.filter(
        user=user, portal_id=user.portal_id, created_at__gte=since
    ).order_by("-created_at", "-pk")


# -----------------------------------------------------------------------------
# The portal's staff (the portal administrator's staff pages)
# -----------------------------------------------------------------------------
# The order in which roles are listed, and in which `User.role` is chosen among them.
STAFF_ROLE_ORDER = (
    Role.PORTAL_ADMIN,
    Role.VERIFIER,
    Role.HELPDESK,
    Role.PPK,
    Role.POKJA,
    Role.PEJABAT_PENGADAAN,
)


def staff_roles_ordered(roles: Iterable[str]) -> list[str]:
    """`roles` without repeats, in STAFF_ROLE_ORDER."""
    chosen = set(roles)
    return [role for role in STAFF_ROLE_ORDER if role in chosen]


@dataclass(frozen=True)
class StaffRow:
    user: User
    roles: list[str]
    has_second_factor: bool
    pokja_count: int

    @property
    def role_labels(self) -> list[str | Promise]:
        return [Role(role).label for role in self.roles]


def staff_of_portal(*, portal: Portal) -> QuerySet[User]:
    return User.objects.filter(portal=portal, role__in=PORTAL_STAFF_ROLES)


def staff_rows(*, portal: Portal) -> list[StaffRow]:
    """The portal's staff, active first then by username, each with every role, whether
    a second factor is set up and on how many active Pokja they sit (a fixed number of
    queries whatever the number of staff)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = (
        staff_of_portal(portal=portal)
        .prefetch_related("staff_roles")
        .annotate(
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_passkey=Exists(Passkey.objects.filter(user=OuterRef("pk"))),
            # The reverse relation of tenders' PokjaMember, read without importing it.
            pokja_count=Count(
                "pokja_memberships", filter=Q(pokja_memberships__pokja__is_active=True)
            ),
        )
        .order_by("-is_active", "username")
    )
    return [
        StaffRow(
            user=user,
            roles=staff_roles_ordered({user.role, *(g.role for g in user.staff_roles.all())}),
            has_second_factor=user.has_totp or user.has_passkey,
            pokja_count=user.pokja_count,
        )
        for user in users
    ]


def staff_pokja_count(*, user: User) -> int:
    """On how many active Pokja `user` sits (through tenders' reverse relation)."""
    if not hasattr(user, "pokja_memberships"):
        return 0
    return user.pokja_memberships.filter(pokja__is_active=True).count()
