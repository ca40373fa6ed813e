"""The second step of signing in and the step-up check: one try at a factor, and
finishing the sign-in once the factor is proved."""

from collections.abc import Callable
from datetime import datetime
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from inaproc.accounts.flows.login import next_or_dashboard, sign_in
from inaproc.accounts.flows.pending import pending_login_end, remember_cookie_name
from inaproc.accounts.forms.login import locked_message_html
from inaproc.accounts.models import LoginMethod, User
from inaproc.accounts.selectors import lock_until
from inaproc.accounts.services.factor_policy import remember_allowed, remembered_browser_create
from inaproc.accounts.services.factors import second_factor_code_check, second_factor_mark
from inaproc.accounts.services.signin import failure_register
from inaproc.core.http import audit_context, client_info
from inaproc.portals.http import PortalRequest


def second_factor_complete(
    request: HttpRequest, user: User, pending: dict, *, remember: bool = False
) -> HttpResponse:
    """The second factor is proved: sign in, note the check on the session, remember the
    browser if asked (and allowed)."""
    pending_login_end(request)
    user_session = sign_in(request, user, method=pending.get("method") or LoginMethod.PASSWORD)
    second_factor_mark(user_session=user_session)
    response = HttpResponseRedirect(next_or_dashboard(request, pending.get("next") or ""))
    if remember and remember_allowed(user):
        _remember_browser(request, response, user)
    return response


def _remember_browser(request: HttpRequest, response: HttpResponse, user: User) -> None:
    response.set_cookie(
        remember_cookie_name(user),
        remembered_browser_create(user=user, browser=client_info(request).browser),
        max_age=settings.SECOND_FACTOR_REMEMBER_DAYS * 24 * 3600,
        path=request.portal.get_absolute_url(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def factor_attempt(
    request: HttpRequest, user: User, *, proved: Callable[[], bool], method: str
) -> tuple[bool, datetime | None]:
    """One try at `user`'s second factor (sign-in step or step-up, code or passkey):
    (True, None) when `proved()`; else (False, the end of the lock or None). While the
    username is locked nothing is checked (a stolen session could otherwise keep guessing
    through the lock); a failed try counts towards the lock as a wrong password does."""
    locked = lock_until(portal=request.portal, username=user.username)
    if locked is None:
        if proved():
            return True, None
        locked = failure_register(
            portal=request.portal,
            username=user.username,
            client=client_info(request),
            method=method,
        )
    return False, locked


def code_attempt(request: HttpRequest, user: User, code: str) -> tuple[bool, datetime | None]:
    """One try of an authenticator-app or recovery code (`factor_attempt`)."""
    return factor_attempt(
        request,
        user,
        proved=lambda: bool(
            second_factor_code_check(user=user, code=code, context=audit_context(request))
        ),
        method=LoginMethod.SECOND_FACTOR,
    )


def pending_login_end_locked(request: HttpRequest, locked: datetime) -> None:
    """The username locked during the second step: the half-way sign-in is over, and the
    login page says until when."""
    pending_login_end(request)
    portal = cast(PortalRequest, request).portal
    messages.error(request, locked_message_html(locked, portal=portal))
