from collections.abc import Callable
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inaproc.accounts.backends import PortalBackend
from inaproc.accounts.models import SessionEndReason, User, UserSession
from inaproc.accounts.selectors import user_session_current, user_session_with_user
from inaproc.accounts.services.factors import (
    has_second_factor,
    second_factor_required,
    staff_roles_and_second_factor,
)
from inaproc.accounts.services.sessions import (
    session_end,
    session_expiry_reason,
    session_touch,
)
from inaproc.core.sessionfree import is_session_free
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url


def _portal_of(request: HttpRequest) -> int | None:
    portal = getattr(request, "portal", None)
    return portal.pk if portal is not None else None


def get_portal_user(request: HttpRequest) -> Any:
    """The session's user if that user belongs to the request's portal, else anonymous.

    This is the isolation rule for sessions: one cookie may be shared by every portal on
    a host, but a session opened on portal A is worth nothing on portal B.
    """
    if not hasattr(request, "_cached_user"):
        user = _portal_session_user(request)
        if user is None:
            user = auth.get_user(request)
        if user.is_authenticated and user.portal_id != _portal_of(request):
            user = AnonymousUser()
        request._cached_user = user
    return request._cached_user


PORTAL_BACKEND = f"{PortalBackend.__module__}.{PortalBackend.__qualname__}"


def _portal_session_user(request: HttpRequest) -> Any:
    """auth.get_user's work on a portal page in one query instead of two: the user read
    with the session record (`SessionTimeoutMiddleware` then reads no more), its portal
    the request's (not joined again). None when this does not apply (no portal, no
    user in the session, another backend, no record of this user and key): the caller
    then asks Django's auth.get_user, as before.

    The checks are Django's: the backend must be configured, the account active, the
    session's hash that of the current password (else the session is flushed, as
    auth.get_user does; a hash made with a fallback secret is renewed).
    """
    portal = getattr(request, "portal", None)
    session = request.session
    if portal is None or not session.session_key:
        return None
    try:
        user_id = User._meta.pk.to_python(session[auth.SESSION_KEY])
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend_path != PORTAL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    record = user_session_with_user(session_key=session.session_key, user_id=user_id)
    if record is None or record.user.portal_id != portal.pk:
        return None
    user = record.user
    if not PortalBackend().user_can_authenticate(user):
        return AnonymousUser()
    user.portal = portal
    session_hash = session.get(auth.HASH_SESSION_KEY)
    current_hash = user.get_session_auth_hash()
    if not (session_hash and constant_time_compare(session_hash, current_hash)):
        if session_hash and any(
            constant_time_compare(session_hash, fallback)
            for fallback in user.get_session_auth_fallback_hash()
        ):
            session.cycle_key()
            session[auth.HASH_SESSION_KEY] = current_hash
        else:
            session.flush()
            return AnonymousUser()
    request._session_record = record  # type: ignore[attr-defined]
    return user


class PortalAuthenticationMiddleware:
    """Replaces django.contrib.auth's AuthenticationMiddleware (must follow PortalMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._attach(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, *args: Any) -> None:
        if is_session_free(view):
            # Authorised by what the request carries: its session is never read.
            anonymous = AnonymousUser()
            request.user = anonymous
            setattr(request, "_cached_user", anonymous)  # noqa: B010 (HttpRequest has no such field)
            return
        # The portal is known only now; forget any user resolved before it was.
        if hasattr(request, "_cached_user"):
            del request._cached_user
        self._attach(request)

    @staticmethod
    def _attach(request: HttpRequest) -> None:
        request.user = SimpleLazyObject(partial(get_portal_user, request))

        async def auser() -> Any:
            return await sync_to_async(get_portal_user)(request)

        request.auser = auser


class SessionTimeoutMiddleware:
    """Enforces the portal's session policy on the server (must follow
    PortalAuthenticationMiddleware; acts in process_view, once the portal user is known).

    A signed-in portal user keeps the session only while its `UserSession` record is
    open, used within `session_idle_minutes` and younger than `session_absolute_hours`;
    otherwise the session ends and the view runs for an anonymous visitor, so protected
    pages send them to the login page, which says why. Cost per signed-in request: one
    SELECT, plus at most one UPDATE per SESSION_TOUCH_SECONDS. The record is left on
    the request as `request.user_session`. Platform operators (no portal) are exempt.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user_session = None
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if getattr(request, "portal", None) is None or not request.user.is_authenticated:
            return
        user_session = _session_record_read(request, request.user)
        if user_session is None or not user_session.is_active:
            _sign_out(request)
            return
        reason = session_expiry_reason(user_session=user_session, portal=request.portal)
        if reason is not None:
            session_end(user_session=user_session, reason=reason)
            _sign_out(request)
            messages.info(request, _expiry_message(reason, request.portal), fail_silently=True)
            return
        session_touch(user_session=user_session)
        request.user_session = user_session


def _session_record_read(request: HttpRequest, user: Any) -> UserSession | None:
    """The signed-in user's record of this session: the one read with the user when it
    is still this user's and this key's (`_portal_session_user`), else one query."""
    record = getattr(request, "_session_record", None)
    session_key = request.session.session_key
    if record is not None and (record.user_id, record.session_key) == (
        user.pk,
        session_key,
    ):
        return record
    return user_session_current(user=user, session_key=session_key)


def _sign_out(request: HttpRequest) -> None:
    """Flush the session and make the rest of this request anonymous."""
    auth.logout(request)
    request._cached_user = AnonymousUser()
    request.user_session = None


def _expiry_message(reason: str, portal: Portal) -> str:
    if reason == SessionEndReason.IDLE:
        minutes = portal.session_idle_minutes
        return ngettext(
            "Your session ended after %(count)d minute without activity. Please log in again.",
            "Your session ended after %(count)d minutes without activity. Please log in again.",
            minutes,
        ) % {"count": minutes}
    hours = portal.session_absolute_hours
    return ngettext(
        "Your session ended after the maximum of %(count)d hour. Please log in again.",
        "Your session ended after the maximum of %(count)d hours. Please log in again.",
        hours,
    ) % {"count": hours}


# What an account that must have a second factor, and has none yet, may still open.
ENROLMENT_VIEWS = frozenset(
    {
        "accounts:factors",
        "accounts:totp_enrol",
        "accounts:recovery_codes",
        "accounts:passkey_register_options",
        "accounts:passkey_register",
        "accounts:logout",
        "accounts:logged_out",
    }
)


class SecondFactorEnrolmentMiddleware:
    """Staff (and vendors where the portal requires it) reach nothing but the enrolment
    pages and logout until they have a second factor: at their first sign-in they are
    walked through it. Must follow SessionTimeoutMiddleware. Cost: for staff, one query
    per request, which also reads their granted roles (the page's role checks then read
    no more); for the vendors who must have a factor, up to two indexed EXISTS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        if getattr(request, "portal", None) is None or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ENROLMENT_VIEWS:
            return None
        user = request.user
        if user.is_portal_staff:
            granted, has_factor = staff_roles_and_second_factor(user)
            user.remember_roles(granted)
            if has_factor:
                return None
        elif not second_factor_required(user) or has_second_factor(user):
            return None
        messages.warning(
            request,
            _("Your role needs a second factor. Set one up to continue."),
            fail_silently=True,
        )
        return HttpResponseRedirect(portal_url(request.portal, "accounts:factors"))
