"""Django's test client, taught that each portal has its own session cookie
(inaproc/portals/cookies.py, docs/decisions/0015-per-portal-cookies.md).

Django's `Client.session`, `force_login()` and `logout()` know one session cookie,
SESSION_COOKIE_NAME, which the application now uses on platform pages only; a portal's
session travels in `<SESSION_COOKIE_NAME>_<slug>`. The test client sends every cookie it
holds with every request (it ignores `Path`), and the application picks the portal's, as
a browser's path matching would. `install()` (called by the root conftest.py) makes:

- `client.session` the session of the one portal the client holds a session cookie of
  (else, as before, the platform's); a client with sessions on several portals must say
  which one: `portal_session(client, slug)`;
- `client.force_login(user)` sign in on the user's portal (on the platform for a user of
  none), keeping the client's sessions on other portals.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.test.client import ClientMixin

from inaproc.portals.cookies import portal_cookie_name

_django_session = ClientMixin.session
_django_login = ClientMixin._login


def _store(session_key: str | None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def session_cookie_name(slug: str) -> str:
    """The session cookie of portal `slug`."""
    return portal_cookie_name(settings.SESSION_COOKIE_NAME, slug)


def portal_session(client: Any, slug: str) -> SessionBase:
    """The client's session on portal `slug`; made and stored, as Django's
    `client.session` does, when the client has none there (to plant data in it)."""
    name = session_cookie_name(slug)
    cookie = client.cookies.get(name)
    if cookie:
        return _store(cookie.value)
    session = _store(None)
    session.save()
    client.cookies[name] = session.session_key
    client.cookies[name]["path"] = f"/{slug}/"
    return session


def _portal_session_cookies(client: Any) -> list[str]:
    prefix = f"{settings.SESSION_COOKIE_NAME}_"
    return [name for name in client.cookies if name.startswith(prefix)]


def _session(client: Any) -> SessionBase:
    names = _portal_session_cookies(client)
    if len(names) > 1:
        names = [name for name in names if client.cookies[name].value]
        if len(names) > 1:
            raise AssertionError(
                f"this client holds sessions on several portals ({', '.join(sorted(names))}):"
                " ask for one with tests.cookies.portal_session(client, slug)"
            )
    if names:
        return _store(client.cookies[names[0]].value)
    return _django_session.fget(client)  # type: ignore[attr-defined]


def _login(client: Any, user: Any, backend: str | None = None) -> None:
    from django.contrib.auth import login

    portal = getattr(user, "portal", None)
    if portal is None:
        _django_login(client, user, backend)
        return
    request = HttpRequest()
    request.session = portal_session(client, portal.slug)
    login(request, user, backend)
    request.session.save()
    name = session_cookie_name(portal.slug)
    client.cookies[name] = request.session.session_key
    client.cookies[name].update(
        {
            "max-age": None,
            "path": f"/{portal.slug}/",
            "domain": settings.SESSION_COOKIE_DOMAIN,
            "secure": settings.SESSION_COOKIE_SECURE or None,
            "expires": None,
        }
    )


def install() -> None:
    ClientMixin.session = property(_session)  # type: ignore[assignment,method-assign]
    ClientMixin._login = _login  # type: ignore[method-assign]
