import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.forms import LoginForm
from inaproc.accounts.forms.login import CAPTCHA_SESSION_FLAG, requests_throttled_message
from inaproc.accounts.models import LoginMethod, SessionEndReason, User, UserSession
from inaproc.accounts.selectors import account_email_request_retry_after, dashboard_context
from inaproc.accounts.services.sessions import session_end_current, session_open
from inaproc.accounts.services.signin import success_register
from inaproc.core.http import client_info, client_ip, retry_later
from inaproc.portals.decorators import portal_required
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


def email_request_throttle(request: HttpRequest, form) -> int:
    """0, or the seconds this address must wait before asking for another account email
    (the form then carries the message, and `refused_response` makes it a 429)."""
    retry = account_email_request_retry_after(portal=request.portal, ip_address=client_ip(request))
    if retry:
        form.add_error(None, requests_throttled_message(retry))
        form.retry_after = retry
    return retry


def refused_response(response: HttpResponse, form) -> HttpResponse:
    """A throttled address gets 429 with Retry-After; every other refusal is a 200."""
    return retry_later(response, getattr(form, "retry_after", 0))


@method_decorator(portal_required, name="dispatch")
class PortalLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        candidate = self.request.POST.get("next", self.request.GET.get("next", ""))
        return safe_next_url(self.request, candidate)

    def get_default_redirect_url(self) -> str:
        return portal_url(self.request.portal, "accounts:dashboard")

    def form_valid(self, form) -> HttpResponse:
        from inaproc.accounts.views.second_factor import login_continue

        return login_continue(
            self.request,
            form.get_user(),
            method=LoginMethod.PASSWORD,
            next_url=self.get_redirect_url(),
        )

    def form_invalid(self, form) -> HttpResponse:
        if form.inactive_user is not None:
            response = inactive_login_response(self.request, form.inactive_user)
            if response is not None:
                return response
        return refused_response(super().form_invalid(form), form)


def inactive_login_response(request: HttpRequest, user: User) -> HttpResponse | None:
    """What a correct password of an inactive account leads to, if not the one message:
    settings.INACTIVE_LOGIN_HANDLERS name functions (request, user) -> response or None.
    This keeps accounts unaware of the apps (vendor registration) that explain inactivity."""
    for path in settings.INACTIVE_LOGIN_HANDLERS:
        response = import_string(path)(request, user)
        if response is not None:
            return response
    return None


login_view = sensitive_post_parameters("password")(
    csrf_protect(never_cache(PortalLoginView.as_view()))
)


@require_POST
@portal_required
def logout_view(request: HttpRequest) -> HttpResponse:
    # Only this portal's session is ended; a session of another portal sharing the
    # cookie is left alone (it is invisible here anyway).
    if request.user.is_authenticated:
        session_end_current(request=request, reason=SessionEndReason.LOGOUT)
    return HttpResponseRedirect(portal_url(request.portal, "accounts:logged_out"))


@require_GET
@never_cache
@portal_required
def logged_out_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/logged_out.html")


@require_GET
@portal_login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html", dashboard_context(user=request.user))
