"""Sign-in bookkeeping: every attempt recorded, failures counted per (portal, username)
with a row lock so that concurrent failures are each counted once, locks set and
cleared, new-device alerts. DESIGN.md §5 holds the numbers; a portal tightens them."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from inaproc.accounts.links import not_me_link, password_reset_link
from inaproc.accounts.models import (
    LoginAttempt,
    LoginMethod,
    LoginOutcome,
    User,
    UsernameLock,
)
from inaproc.accounts.selectors import account_for_username, failures_counted
from inaproc.accounts.services.emails import account_email_send
from inaproc.accounts.tokens import password_reset_token
from inaproc.accounts.usernames import username_key
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext, ClientInfo, browser_label
from inaproc.core.metrics import ACCOUNT_LOCKS, LOGIN_FAILURES
from inaproc.portals.models import Portal


def attempt_record(
    *,
    portal: Portal,
    username: str,
    outcome: str,
    client: ClientInfo,
    user: User | None = None,
    method: str = LoginMethod.PASSWORD,
    at: datetime | None = None,
) -> LoginAttempt:
    """Record one attempt in the login activity (not counted towards a lock by itself)."""
    return LoginAttempt.objects.create(
        portal=portal,
        user=user,
        username_key=username_key(username),
        outcome=outcome,
        method=method,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        browser=client.browser,
        operating_system=client.operating_system,
        created_at=at or timezone.now(),
    )


def failure_register(
    *,
    portal: Portal,
    username: str,
    client: ClientInfo,
    method: str = LoginMethod.PASSWORD,
) -> datetime | None:
    """Count one wrong password (or code) for (portal, username); lock it at the limit.

    Returns the end of the lock if the username is locked after this failure. A
    failure that arrives while a lock holds is recorded as refused and changes nothing.
    """
    key = username_key(username)
    with transaction.atomic():
        lock, _created = UsernameLock.objects.select_for_update().get_or_create(
            portal=portal, username_key=key
        )
        # The clock is read under the row lock, so that failures are ordered as counted.
        now = timezone.now()
        user = account_for_username(portal=portal, username=key)
        if lock.is_locked(now):
            attempt_record(
                portal=portal,
                username=key,
                outcome=LoginOutcome.LOCKED,
                client=client,
                user=user,
                method=method,
                at=now,
            )
            return lock.locked_until
        attempt_record(
            portal=portal,
            username=key,
            outcome=LoginOutcome.WRONG_CREDENTIALS,
            client=client,
            user=user,
            method=method,
            at=now,
        )
        LOGIN_FAILURES.labels(portal.slug).inc()
        counted = failures_counted(
            portal=portal, username=key, counted_since=lock.counted_since, at=now
        )
        if counted < portal.login_failure_limit:
            return None
        lock.locked_at = now
        lock.locked_until = now + timedelta(minutes=portal.lockout_minutes)
        lock.counted_since = now
        lock.save(update_fields=["locked_at", "locked_until", "counted_since"])
        ACCOUNT_LOCKS.labels(portal.slug).inc()
        if user is not None:
            _lock_notify(user, lock, client)
        return lock.locked_until


def _lock_notify(user: User, lock: UsernameLock, client: ClientInfo) -> None:
    audit_record(
        actor=None,
        verb="account.locked",
        target=user,
        portal=user.portal,
        payload={"until": lock.locked_until.isoformat(), "ip": client.ip_address},
    )
    account_email_send(
        user=user,
        template="accounts/email/account_locked",
        context={
            "locked_at": lock.locked_at,
            "locked_until": lock.locked_until,
            "ip_address": client.ip_address or "-",
            "browser": browser_label(client.browser, client.operating_system) or "-",
            "reset_url": password_reset_link(user),
            "reset_minutes": password_reset_token.max_age_seconds(user) // 60,
        },
    )


def lock_clear(*, portal: Portal, username: str, at: datetime | None = None) -> bool:
    """End any lock on (portal, username) and forget earlier failures. True if a lock
    was holding. Used by a password reset, a helpdesk unlock and a successful login."""
    now = at or timezone.now()
    with transaction.atomic():
        lock = (
            UsernameLock.objects.select_for_update()
            .filter(portal=portal, username_key=username_key(username))
            .first()
        )
        if lock is None:
            return False
        was_locked = lock.is_locked(now)
        lock.locked_until = None
        lock.counted_since = now
        lock.save(update_fields=["locked_until", "counted_since"])
        return was_locked


def account_unlock(
    *, portal: Portal, username: str, actor: User, reason: str, context: AuditContext | None = None
) -> bool:
    """A helpdesk officer ends a lock (audited, with the reason). False if none held."""
    with transaction.atomic():
        unlocked = lock_clear(portal=portal, username=username)
        if unlocked:
            key = username_key(username)
            user = account_for_username(portal=portal, username=key)
            audit_record(
                actor=actor,
                verb="account.unlocked",
                target=user,
                portal=portal,
                reason=reason,
                payload={"username": key},
                context=context,
            )
        return unlocked


def success_register(
    *, portal: Portal, user: User, client: ClientInfo, method: str = LoginMethod.PASSWORD
) -> LoginAttempt:
    """Record a successful sign-in, forget earlier failures, and alert the owner when
    the browser and address pair was never seen on a successful sign-in before."""
    now = timezone.now()
    with transaction.atomic():
        known_before = LoginAttempt.objects.filter(user=user, outcome=LoginOutcome.SUCCESS)
        is_first = not known_before.exists()
        is_known_device = known_before.filter(
            ip_address=client.ip_address,
            browser=client.browser,
            operating_system=client.operating_system,
        ).exists()
        attempt = attempt_record(
            portal=portal,
            username=user.username,
            outcome=LoginOutcome.SUCCESS,
            client=client,
            user=user,
            method=method,
            at=now,
        )
        UsernameLock.objects.filter(portal=portal, username_key=username_key(user.username)).update(
            counted_since=now
        )
        if not is_first and not is_known_device:
            _new_device_notify(user, attempt)
    return attempt


def _new_device_notify(user: User, attempt: LoginAttempt) -> None:
    account_email_send(
        user=user,
        template="accounts/email/new_device",
        context={
            "at": attempt.created_at,
            "ip_address": attempt.ip_address or "-",
            "browser": browser_label(attempt.browser, attempt.operating_system) or "-",
            "not_me_url": not_me_link(user),
        },
    )
