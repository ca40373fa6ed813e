import posixpath
from urllib.parse import unquote, urlsplit

from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.forms import LoginForm
from inaproc.accounts.selectors import dashboard_context
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


login_view = sensitive_post_parameters("password")(csrf_protect(PortalLoginView.as_view()))


@require_POST
@portal_required
def logout_view(request: HttpRequest) -> HttpResponse:
    # Only this portal's session is ended; a session of another portal sharing the
    # cookie is left alone (it is invisible here anyway).
    if request.user.is_authenticated:
        auth.logout(request)
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
