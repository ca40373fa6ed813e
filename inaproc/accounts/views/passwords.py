"""Forgotten password and username, password change, and "this wasn't me".

The two anonymous forms only enqueue a request (services.requests): their answer is the
same, and as fast, whether or not an account matches.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.decorators import portal_login_required, second_factor_fresh_required
from inaproc.accounts.flows.email_requests import email_request_throttle, refused_response
from inaproc.accounts.flows.passwords import password_change_in_session
from inaproc.accounts.forms.passwords import (
    PasswordChangeForm,
    ResetRequestForm,
    SetNewPasswordForm,
    UsernameReminderForm,
)
from inaproc.accounts.models import EmailRequestKind, User
from inaproc.accounts.services.passwords import (
    account_secure_after_not_me,
    password_reset_complete,
)
from inaproc.accounts.services.requests import account_email_request
from inaproc.accounts.tokens import not_me_token, password_reset_token
from inaproc.core.http import audit_context, client_ip
from inaproc.core.pagecache import public_form_page
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url

RESET_URL_TOKEN = auth_views.PasswordResetConfirmView.reset_url_token
PASSWORD_FIELDS = ("current_password", "new_password1", "new_password2")


def _portal_user(request: HttpRequest, uidb64: str) -> User | None:
    """The account named by a link's `uidb64`, only among this portal's accounts:
    a link of another portal is simply invalid here."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    return User.objects.filter(portal=request.portal, pk=pk).first()


def _session_renew_if_ended(request: HttpRequest) -> None:
    """If this browser's session was one of the account's, a service has just ended it
    on the server: the browser goes on with a new, anonymous session."""
    key = request.session.session_key
    if key and not request.session.exists(key):
        request.session.flush()


# ---------------------------------------------------------------------------
# Forgot password
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@portal_required
@public_form_page
def password_reset_request_view(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not email_request_throttle(request, form):
        account_email_request(
            portal=request.portal,
            kind=EmailRequestKind.PASSWORD_RESET,
            identifier=form.cleaned_data["identifier"],
            language=get_language(),
            ip_address=client_ip(request),
        )
        return HttpResponseRedirect(portal_url(request.portal, "accounts:password_reset_sent"))
    response = render(request, "accounts/password_reset_request.html", {"form": form})
    return refused_response(response, form)


@require_GET
@never_cache
@portal_required
def password_reset_sent_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@method_decorator(portal_required, name="dispatch")
class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view (the token moves into the session, the browser goes on to a URL
    without it), with this portal's accounts, tokens, policy and service."""

    form_class = SetNewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    title = gettext_lazy("Set a new password")
    token_generator: PasswordResetTokenGenerator = password_reset_token

    def get_user(self, uidb64: str) -> User | None:
        return _portal_user(self.request, uidb64)

    def get_context_data(self, **kwargs):
        if not self.validlink:
            kwargs.setdefault("form", None)  # no account to build a form for
        return super().get_context_data(**kwargs)

    def form_valid(self, form) -> HttpResponse:
        try:
            password_reset_complete(
                user=self.user, password=form.password, context=audit_context(self.request)
            )
        except ValidationError as error:
            form.add_error("new_password1", error.messages)
            return self.form_invalid(form)
        _session_renew_if_ended(self.request)
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return portal_url(self.request.portal, "accounts:password_reset_done")


password_reset_confirm_view = require_http_methods(["GET", "POST"])(
    PortalPasswordResetConfirmView.as_view()
)


@require_GET
@never_cache
@portal_required
def password_reset_done_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


# ---------------------------------------------------------------------------
# Forgot username
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def username_reminder_view(request: HttpRequest) -> HttpResponse:
    form = UsernameReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not email_request_throttle(request, form):
        account_email_request(
            portal=request.portal,
            kind=EmailRequestKind.USERNAME_REMINDER,
            identifier=form.cleaned_data["email"],
            language=get_language(),
            ip_address=client_ip(request),
        )
        path = portal_url(request.portal, "accounts:username_reminder")
        return HttpResponseRedirect(f"{path}?sent=1")
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    response = render(request, "accounts/username_reminder.html", {"form": form, "sent": sent})
    return refused_response(response, form)


# ---------------------------------------------------------------------------
# Change password (signed in)
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters(*PASSWORD_FIELDS)
@portal_login_required
@second_factor_fresh_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change_in_session(request, password=form.password)
        except ValidationError as error:
            form.add_error("new_password1", error.messages)
        else:
            messages.success(
                request,
                _("Your password is changed. Your other sessions have been signed out."),
            )
            return HttpResponseRedirect(portal_url(request.portal, "accounts:dashboard"))
    return render(request, "accounts/password_change.html", {"form": form})


# ---------------------------------------------------------------------------
# "This wasn't me" (from the new-device alert)
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def not_me_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET explains and asks for confirmation (mail scanners open links); only the
    POST acts, then the owner goes straight on to set a new password."""
    user = _portal_user(request, uidb64)
    if user is None or not not_me_token.check_token(user, token):
        return render(request, "accounts/not_me_invalid.html")
    if request.method == "GET":
        return render(request, "accounts/not_me.html", {"account": user})
    reset_token = account_secure_after_not_me(user=user, context=audit_context(request))
    _session_renew_if_ended(request)
    # Straight on to the set-password form; the token stays out of the URL, in the
    # session, where Django's reset view would have moved it.
    request.session[INTERNAL_RESET_SESSION_TOKEN] = reset_token
    return HttpResponseRedirect(
        portal_url(
            request.portal,
            "accounts:password_reset_confirm",
            uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
            token=RESET_URL_TOKEN,
        )
    )
