"""Signed-in sessions: opened at login, touched while used, ended on logout, timeout,
password change or at the owner's request. Ending one deletes Django's session row,
so the browser holding that cookie is signed out on its next request."""

from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from inaproc.accounts.models import User, UserSession
from inaproc.core.http import ClientInfo


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


def session_end(*, user_session: UserSession, reason: str) -> None:
    """End one session: the record is closed and Django's session deleted."""
    with transaction.atomic():
        updated = UserSession.objects.filter(pk=user_session.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )
        if updated:
            _session_store(user_session.session_key).delete()


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


def session_end_current(*, request, reason: str) -> None:
    """End the request's own session: the record is closed and `auth.logout()` flushes
    Django's session and its cookie."""
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )
    auth.logout(request)
