""" "Sesi aktif": the signed-in user's open sessions, and ending them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.access import access_user_session
from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.flows.login import sign_out
from inaproc.accounts.models import SessionEndReason
from inaproc.accounts.selectors import user_session_list
from inaproc.accounts.services.sessions import session_end_by_owner, sessions_end_others
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url


def _current_session_id(request: HttpRequest) -> int | None:
    current = getattr(request, "user_session", None)  # set by SessionTimeoutMiddleware
    return current.pk if current is not None else None


def _back_to_list(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(portal_url(request.portal, "accounts:sessions"))


@require_GET
@portal_login_required
def session_list_view(request: HttpRequest) -> HttpResponse:
    current_id = _current_session_id(request)
    sessions = sorted(user_session_list(user=request.user), key=lambda s: s.pk != current_id)
    has_others = any(s.pk != current_id for s in sessions)
    context = {"sessions": sessions, "current_session_id": current_id, "has_others": has_others}
    return render(request, "accounts/sessions.html", context)


@require_POST
@portal_login_required
def session_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    user_session = access_user_session(
        portal=request.portal, user=request.user, session_id=session_id
    )
    if user_session.pk == _current_session_id(request):
        # Not offered on the page, but ending the session in use is logging out.
        sign_out(request, reason=SessionEndReason.ENDED_BY_USER)
        return HttpResponseRedirect(portal_url(request.portal, "accounts:logged_out"))
    session_end_by_owner(
        user_session=user_session, actor=request.user, context=audit_context(request)
    )
    messages.success(request, _("The session has ended. That browser is now logged out."))
    return _back_to_list(request)


@require_POST
@portal_login_required
def sessions_end_others_view(request: HttpRequest) -> HttpResponse:
    ended = sessions_end_others(
        user=request.user, current_key=request.session.session_key, context=audit_context(request)
    )
    if ended:
        message = ngettext(
            "%(count)d other session has ended.", "%(count)d other sessions have ended.", ended
        ) % {"count": ended}
    else:
        message = _("There were no other sessions to end.")
    messages.success(request, message)
    return _back_to_list(request)
