"""Signing in: where to go next, starting the session, and the step after a right
password (sign in now, or on to the second factor)."""

import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from inaproc.accounts.flows.pending import pending_login_start, remember_cookie_name
from inaproc.accounts.forms.login import CAPTCHA_SESSION_FLAG
from inaproc.accounts.models import User, UserSession
from inaproc.accounts.services.factor_policy import remembered_browser_valid
from inaproc.accounts.services.factors import has_second_factor
from inaproc.accounts.services.sessions import session_end_by_key, session_open
from inaproc.accounts.services.signin import success_register
from inaproc.core.http import client_info
from inaproc.portals.urls_helpers import portal_url


def safe_next_url(request: HttpRequest, candidate: str) -> str:
    """`candidate` if it is a path inside the request's portal, else empty."""
    prefix = request.portal.get_absolute_url()
    if not candidate or not candidate.startswith(prefix) or "\\" in candidate:
        return ""
    # "/a/../b/" or "/a/%2e%2e/b/" would leave the portal once the browser resolves it.
    resolved = posixpath.normpath(unquote(urlsplit(candidate).path))
    if not f"{resolved}/".startswith(prefix):
        return ""
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return candidate


def next_or_dashboard(request: HttpRequest, next_url: str) -> str:
    return next_url or portal_url(request.portal, "accounts:dashboard")


def sign_in(request: HttpRequest, user: User, *, method: str) -> UserSession:
    """Start `user`'s session under a new key and record it in the login activity.
    Returns the session's record."""
    auth.login(request, user, backend="inaproc.accounts.backends.PortalBackend")
    request.session.pop(CAPTCHA_SESSION_FLAG, None)
    if request.session.session_key is None:  # login() flushed another user's session
        request.session.save()
    client = client_info(request)
    user_session = session_open(user=user, session_key=request.session.session_key, client=client)
    success_register(portal=request.portal, user=user, client=client, method=method)
    return user_session


def sign_out(request: HttpRequest, *, reason: str) -> None:
    """End the request's own session: the record is closed and `auth.logout()` flushes
    Django's session and its cookie."""
    session_end_by_key(session_key=request.session.session_key, reason=reason)
    auth.logout(request)


def login_continue(
    request: HttpRequest, user: User, *, method: str, next_url: str = ""
) -> HttpResponse:
    """After the password (and CAPTCHA or emailed code) proved right: sign in now, or,
    for an account with a second factor on a browser it does not remember, ask for the
    factor first. Until then the session holds only who is half-way in, for a few minutes."""
    remembered = remembered_browser_valid(
        user=user, cookie=request.COOKIES.get(remember_cookie_name(user))
    )
    if not has_second_factor(user) or remembered:
        sign_in(request, user, method=method)
        return HttpResponseRedirect(next_or_dashboard(request, next_url))
    pending_login_start(request, user, method=method, next_url=next_url)
    return HttpResponseRedirect(portal_url(request.portal, "accounts:second_factor"))


def inactive_login_response(request: HttpRequest, user: User) -> HttpResponse | None:
    """What a correct password of an inactive account leads to, if not the one message:
    settings.INACTIVE_LOGIN_HANDLERS name functions (request, user) -> response or None.
    This keeps accounts unaware of the apps (vendor registration) that explain inactivity."""
    for path in settings.INACTIVE_LOGIN_HANDLERS:
        response = import_string(path)(request, user)
        if response is not None:
            return response
    return None
