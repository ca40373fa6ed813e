"""Sign in with an emailed code instead of the image CAPTCHA (WCAG 2.2 SC 3.3.8)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from inaproc.accounts.flows.email_requests import email_request_throttle, refused_response
from inaproc.accounts.flows.login import login_continue, safe_next_url
from inaproc.accounts.forms.login_code import LoginCodeForm, LoginCodeRequestForm
from inaproc.accounts.models import EmailRequestKind, LoginMethod
from inaproc.accounts.services.requests import account_email_request
from inaproc.core.http import client_ip
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url

CODE_USERNAME_SESSION_KEY = "inaproc_login_code_username"


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def code_request_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(portal_url(request.portal, "accounts:dashboard"))
    form = LoginCodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not email_request_throttle(request, form):
        username = form.cleaned_data["username"]
        account_email_request(
            portal=request.portal,
            kind=EmailRequestKind.LOGIN_CODE,
            identifier=username,
            language=get_language(),
            ip_address=client_ip(request),
        )
        request.session[CODE_USERNAME_SESSION_KEY] = username
        messages.info(
            request,
            _(
                "If an account with this username exists on this portal, a code is on its "
                "way to the account's email address. It is valid for %(minutes)d minutes."
            )
            % {"minutes": settings.LOGIN_CODE_MINUTES},
        )
        return HttpResponseRedirect(portal_url(request.portal, "accounts:login_code"))
    response = render(request, "accounts/login_code_request.html", {"form": form})
    return refused_response(response, form)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("password", "code")
@portal_required
def code_login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(portal_url(request.portal, "accounts:dashboard"))
    initial = {"username": request.session.get(CODE_USERNAME_SESSION_KEY, "")}
    form = LoginCodeForm(request, request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            request.session.pop(CODE_USERNAME_SESSION_KEY, None)
            return login_continue(
                request,
                form.get_user(),
                method=LoginMethod.EMAIL_CODE,
                next_url=safe_next_url(request, request.POST.get("next", "")),
            )
        response = render(request, "accounts/login_code.html", _code_context(form))
        return refused_response(response, form)
    return render(request, "accounts/login_code.html", _code_context(form))


def _code_context(form) -> dict:
    return {"form": form, "code_minutes": settings.LOGIN_CODE_MINUTES}
