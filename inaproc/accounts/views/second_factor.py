"""The second step of signing in (an account with a second factor: after the password,
its authenticator code, a recovery code or a passkey), and the step-up check before a
sensitive action."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.forms.login import locked_message
from inaproc.accounts.forms.second_factor import SecondFactorForm
from inaproc.accounts.models import LoginMethod, User
from inaproc.accounts.selectors import lock_until
from inaproc.accounts.services.factors import (
    has_second_factor,
    remember_allowed,
    remembered_browser_create,
    remembered_browser_valid,
    second_factor_code_check,
    second_factor_mark,
)
from inaproc.accounts.services.signin import failure_register
from inaproc.core.http import client_info
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url

PENDING_LOGIN_KEY = "inaproc_pending_login"
WRONG_CODE_MESSAGE = gettext_lazy(
    "This code is not right, or it was already used. Type the newest code."
)
PENDING_LOGIN_MINUTES = 5
REMEMBER_COOKIE = "inaproc_remember"


def remember_cookie_name(user: User) -> str:
    return f"{REMEMBER_COOKIE}_{user.portal_id}"


def login_continue(
    request: HttpRequest, user: User, *, method: str, next_url: str = ""
) -> HttpResponse:
    """After the password (and CAPTCHA or emailed code) proved right: sign in now, or,
    for an account with a second factor on a browser it does not remember, ask for the
    factor first. Until then the session holds only who is half-way in, for a few minutes."""
    from inaproc.accounts.views.login import sign_in

    target = next_url or portal_url(request.portal, "accounts:dashboard")
    remembered = remembered_browser_valid(
        user=user, cookie=request.COOKIES.get(remember_cookie_name(user))
    )
    if not has_second_factor(user) or remembered:
        sign_in(request, user, method=method)
        return HttpResponseRedirect(target)
    request.session.cycle_key()
    request.session[PENDING_LOGIN_KEY] = {
        "user": user.pk,
        "portal": request.portal.pk,
        "method": method,
        "next": next_url,
        "until": (timezone.now() + timedelta(minutes=PENDING_LOGIN_MINUTES)).isoformat(),
    }
    return HttpResponseRedirect(portal_url(request.portal, "accounts:second_factor"))


def pending_login(request: HttpRequest) -> tuple[User, dict] | None:
    """The account that passed the first step in this browser, if still in time."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict) or pending.get("portal") != request.portal.pk:
        return None
    until = parse_datetime(str(pending.get("until", "")))
    if until is None or until <= timezone.now():
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None
    user = User.objects.filter(
        pk=pending.get("user"), portal=request.portal, is_active=True
    ).first()
    return (user, pending) if user is not None else None


def second_factor_complete(
    request: HttpRequest, user: User, pending: dict, *, remember: bool = False
) -> HttpResponse:
    """The second factor is proved: sign in, note the check on the session, remember the
    browser if asked (and allowed)."""
    from inaproc.accounts.views.login import sign_in

    request.session.pop(PENDING_LOGIN_KEY, None)
    user_session = sign_in(request, user, method=pending.get("method") or LoginMethod.PASSWORD)
    second_factor_mark(user_session=user_session)
    target = pending.get("next") or portal_url(request.portal, "accounts:dashboard")
    response = HttpResponseRedirect(target)
    if remember and remember_allowed(user):
        from django.conf import settings

        response.set_cookie(
            remember_cookie_name(user),
            remembered_browser_create(user=user, browser=client_info(request).browser),
            max_age=settings.SECOND_FACTOR_REMEMBER_DAYS * 24 * 3600,
            path=request.portal.get_absolute_url(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


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


def pending_login_end_locked(request: HttpRequest, locked: datetime) -> None:
    """The username locked during the second step: the half-way sign-in is over, and the
    login page says until when."""
    request.session.pop(PENDING_LOGIN_KEY, None)
    messages.error(request, locked_message(locked))


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
        code = form.cleaned_data["code"]
        proved, locked = factor_attempt(
            request,
            user,
            proved=lambda: bool(second_factor_code_check(user=user, code=code, request=request)),
            method=LoginMethod.SECOND_FACTOR,
        )
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
    from inaproc.accounts.views.login import safe_next_url

    next_url = safe_next_url(request, request.POST.get("next", request.GET.get("next", "")))
    target = next_url or portal_url(request.portal, "accounts:dashboard")
    user = request.user
    if not has_second_factor(user):
        return HttpResponseRedirect(target)
    form = SecondFactorForm(request.POST or None, remember_offered=False)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        proved, locked = factor_attempt(
            request,
            user,
            proved=lambda: bool(second_factor_code_check(user=user, code=code, request=request)),
            method=LoginMethod.SECOND_FACTOR,
        )
        if proved:
            second_factor_mark(user_session=request.user_session)
            return HttpResponseRedirect(target)
        form.add_error("code", locked_message(locked) if locked else WRONG_CODE_MESSAGE)
    return render(request, "accounts/step_up.html", {"form": form, "next": next_url})
