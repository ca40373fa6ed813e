"""Signed-in sessions: opened at login, touched while used, ended on logout, timeout,
password change or at the owner's request. Ending one deletes Django's session row,
so the browser holding that cookie is signed out on its next request."""

from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from inaproc.accounts.models import SessionEndReason, User, UserSession
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext, ClientInfo, browser_label
from inaproc.portals.models import Portal


def _session_store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def session_open(*, user: User, session_key: str, client: ClientInfo) -> UserSession:
    """Record the session that `login()` just started (under its new key)."""
    now = timezone.now()
    return UserSession.objects.create(
        user=user,
        session_key=session_key,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        browser=client.browser,
        operating_system=client.operating_system,
        created_at=now,
        last_seen_at=now,
    )


def session_end(*, user_session: UserSession, reason: str) -> bool:
    """End one session: the record is closed and Django's session deleted.
    False if it had already ended."""
    with transaction.atomic():
        updated = UserSession.objects.filter(pk=user_session.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )
        if updated:
            _session_store(user_session.session_key).delete()
    return bool(updated)


def sessions_end_all(*, user: User, reason: str, except_key: str | None = None) -> int:
    """End every open session of `user`, but the one keyed `except_key`. Returns how many."""
    sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if except_key:
        sessions = sessions.exclude(session_key=except_key)
    keys = list(sessions.values_list("session_key", flat=True))
    with transaction.atomic():
        UserSession.objects.filter(session_key__in=keys).update(
            ended_at=timezone.now(), end_reason=reason
        )
        for key in keys:
            _session_store(key).delete()
    return len(keys)


def session_touch(*, user_session: UserSession) -> None:
    """Move last-seen forward, at most once per SESSION_TOUCH_SECONDS (one UPDATE)."""
    now = timezone.now()
    if (now - user_session.last_seen_at).total_seconds() >= settings.SESSION_TOUCH_SECONDS:
        UserSession.objects.filter(pk=user_session.pk).update(last_seen_at=now)
        user_session.last_seen_at = now


def session_end_by_key(*, session_key: str | None, reason: str) -> None:
    """Close the record of the session `session_key` (the browser's own, at logout); the
    caller then flushes Django's session (`auth.logout`)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )


def user_session_rekey(*, old_key: str, new_key: str) -> None:
    """The browser's session got a new key (password change): its record follows."""
    UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_expiry_reason(
    *, user_session: UserSession, portal: Portal, at: datetime | None = None
) -> str | None:
    """Why the session is over by the portal's policy at `at` (IDLE or ABSOLUTE, whichever
    limit came first), or None while it may go on. Reads nothing from the database."""
    at = at or timezone.now()
    idle_end = user_session.last_seen_at + timedelta(minutes=portal.session_idle_minutes)
    absolute_end = user_session.created_at + timedelta(hours=portal.session_absolute_hours)
    if at < idle_end and at < absolute_end:
        return None
    return SessionEndReason.IDLE if idle_end <= absolute_end else SessionEndReason.ABSOLUTE


def session_end_by_owner(
    *, user_session: UserSession, actor: User, context: AuditContext | None = None
) -> bool:
    """The account owner ends one of their other sessions ("Sesi aktif"); audited.
    The caller got `user_session` through `access_user_session`. False if it had
    already ended."""
    with transaction.atomic():
        ended = session_end(user_session=user_session, reason=SessionEndReason.ENDED_BY_USER)
        if ended:
            audit_record(
                actor=actor,
                verb="account.session_ended",
                target=actor,
                portal=actor.portal,
                payload={
                    "session_id": user_session.pk,
                    "browser": browser_label(user_session.browser, user_session.operating_system),
                },
                context=context,
            )
    return ended


def sessions_end_others(
    *, user: User, current_key: str, context: AuditContext | None = None
) -> int:
    """The account owner ends every session but the one they are using; audited.
    Returns how many ended."""
    if not current_key:
        raise ValueError("current_key is required: the current session must survive")
    with transaction.atomic():
        ended = sessions_end_all(
            user=user, reason=SessionEndReason.ENDED_BY_USER, except_key=current_key
        )
        if ended:
            audit_record(
                actor=user,
                verb="account.sessions_ended",
                target=user,
                portal=user.portal,
                payload={"sessions_ended": ended},
                context=context,
            )
    return ended
