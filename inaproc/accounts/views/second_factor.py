"""The second step of signing in (an account with a second factor: after the password,
its authenticator code, a recovery code or a passkey), and the step-up check before a
sensitive action."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.flows.login import next_or_dashboard, safe_next_url
from inaproc.accounts.flows.pending import pending_login
from inaproc.accounts.flows.second_factor import (
    code_attempt,
    pending_login_end_locked,
    second_factor_complete,
)
from inaproc.accounts.forms.login import locked_message
from inaproc.accounts.forms.second_factor import SecondFactorForm
from inaproc.accounts.services.factor_policy import remember_allowed
from inaproc.accounts.services.factors import (
    has_second_factor,
    second_factor_mark,
)
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url

WRONG_CODE_MESSAGE = gettext_lazy(
    "This code is not right, or it was already used. Type the newest code."
)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
@portal_required
def second_factor_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(portal_url(request.portal, "accounts:dashboard"))
    found = pending_login(request)
    if found is None:
        messages.info(request, _("Your sign-in took too long or was not started. Log in again."))
        return HttpResponseRedirect(portal_url(request.portal, "accounts:login"))
    user, pending = found
    form = SecondFactorForm(request.POST or None, remember_offered=remember_allowed(user))
    if request.method == "POST" and form.is_valid():
        proved, locked = code_attempt(request, user, form.cleaned_data["code"])
        if proved:
            return second_factor_complete(
                request, user, pending, remember=form.cleaned_data.get("remember", False)
            )
        if locked:
            pending_login_end_locked(request, locked)
            return HttpResponseRedirect(portal_url(request.portal, "accounts:login"))
        form.add_error("code", WRONG_CODE_MESSAGE)
    return render(request, "accounts/second_factor.html", {"form": form, "pending_user": user})


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
@portal_login_required
def step_up_view(request: HttpRequest) -> HttpResponse:
    """Confirm the second factor again before a sensitive action."""
    next_url = safe_next_url(request, request.POST.get("next", request.GET.get("next", "")))
    target = next_or_dashboard(request, next_url)
    user = request.user
    if not has_second_factor(user):
        return HttpResponseRedirect(target)
    form = SecondFactorForm(request.POST or None, remember_offered=False)
    if request.method == "POST" and form.is_valid():
        proved, locked = code_attempt(request, user, form.cleaned_data["code"])
        if proved:
            second_factor_mark(user_session=request.user_session)
            return HttpResponseRedirect(target)
        form.add_error("code", locked_message(locked) if locked else WRONG_CODE_MESSAGE)
    return render(request, "accounts/step_up.html", {"form": form, "next": next_url})
