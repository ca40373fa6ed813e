from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.captcha import captcha_refresh_requested, posted_values
from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.flows.email_requests import refused_response
from inaproc.accounts.flows.login import (
    inactive_login_response,
    login_continue,
    safe_next_url,
    sign_out,
)
from inaproc.accounts.forms import LoginForm
from inaproc.accounts.models import LoginMethod, SessionEndReason
from inaproc.accounts.selectors import dashboard_context
from inaproc.core.pagecache import public_form_page
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url


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

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if captcha_refresh_requested(request):  # "show another image", without JavaScript
            typed = posted_values(self.get_form())
            form = self.form_class(request, initial=typed)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
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


# From the page cache to anonymous visitors, with a fresh CSRF token and CAPTCHA each
# (core/pagecache.py; POSTs are always rendered).
login_view = public_form_page(
    sensitive_post_parameters("password")(csrf_protect(never_cache(PortalLoginView.as_view())))
)


@require_POST
@portal_required
def logout_view(request: HttpRequest) -> HttpResponse:
    # Only this portal's session is ended; a session of another portal sharing the
    # cookie is left alone (it is invisible here anyway).
    if request.user.is_authenticated:
        sign_out(request, reason=SessionEndReason.LOGOUT)
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
