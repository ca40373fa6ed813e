from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.captcha import PortalCaptchaField
from inaproc.accounts.models import LoginMethod, LoginOutcome
from inaproc.accounts.selectors import (
    account_for_username,
    captcha_required,
    ip_retry_after,
    lock_until,
    sign_in_tries_left,
)
from inaproc.accounts.services.signin import attempt_record, failure_register
from inaproc.core.http import client_info
from inaproc.core.pagecache import page_not_shared
from inaproc.core.timefmt import wait_minutes, wib
from inaproc.portals.models import CaptchaMode, Portal
from inaproc.portals.urls_helpers import portal_url

# After a failure the session asks for the CAPTCHA (portals in "after a failure" mode).
CAPTCHA_SESSION_FLAG = "inaproc_captcha_needed"

ONE_MESSAGE = _(
    "The username or password is not correct. Check both and try again; "
    "passwords are case-sensitive."
)


def locked_message(until) -> str:
    return _(
        "This account is temporarily locked after too many failed sign-in attempts. "
        "Try again after %(until)s, reset your password, or contact the helpdesk."
    ) % {"until": wib(until)}


def locked_message_html(until, *, portal: Portal) -> SafeString:
    """The lock message of the sign-in pages: until when, links to the password reset and
    the helpdesk, and the reset link emailed to the owner. It says "if this username
    belongs to an account", so it is the same whether or not one exists."""
    locked = format_html(
        gettext(
            "This account is temporarily locked after too many failed sign-in attempts. "
            'Try again after {until}, <a href="{reset_url}">reset your password</a>, or '
            '<a href="{helpdesk_url}">contact the helpdesk</a>.'
        ),
        until=wib(until),
        reset_url=portal_url(portal, "accounts:password_reset"),
        helpdesk_url=portal_url(portal, "helpdesk_public:contact"),
    )
    emailed = gettext(
        "If this username belongs to an account, a link to reset its password has been "
        "sent to the account's email address."
    )
    return format_html("{} {}", locked, emailed)


# The warning of the tries left starts when this many remain: from the third failure
# at the default limit of 5, and so before the last two tries on any portal.
LOCK_WARNING_TRIES_LEFT = 2


def tries_left_message(tries: int, *, portal: Portal) -> str:
    return ngettext(
        "%(tries)d try left before this username is locked for %(minutes)d minutes.",
        "%(tries)d tries left before this username is locked for %(minutes)d minutes.",
        tries,
    ) % {"tries": tries, "minutes": portal.lockout_minutes}


def requests_throttled_message(seconds: int) -> str:
    minutes = wait_minutes(seconds)
    return ngettext(
        "Too many requests came from your network. Wait %(minutes)d minute and try again.",
        "Too many requests came from your network. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def throttled_message(seconds: int) -> str:
    minutes = wait_minutes(seconds)
    return ngettext(
        "Too many failed sign-in attempts came from your network. "
        "Wait %(minutes)d minute and try again.",
        "Too many failed sign-in attempts came from your network. "
        "Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


class UsernameField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Username or NPWP"))
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
            ),
        )
        super().__init__(**kwargs)


class CurrentPasswordField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Password"))
        kwargs.setdefault("strip", False)
        kwargs.setdefault("max_length", 4096)
        kwargs.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": "current-password"}))
        super().__init__(**kwargs)


class SigninGuardMixin:
    """The checks every way in goes through, in this order: the address is not
    throttled, the username is not locked, then (by the subclass) the proof of a
    human, then the credentials. Every attempt lands in the login activity."""

    method = LoginMethod.PASSWORD
    request: object

    def _guard_init(self, request) -> None:
        self.portal = request.portal
        self.client = client_info(request)
        self.retry_after = 0
        self.locked_until = None

    def _guard(self, username: str) -> None:
        self.retry_after = ip_retry_after(portal=self.portal, ip_address=self.client.ip_address)
        if self.retry_after:
            self._record(username, LoginOutcome.THROTTLED)
            raise ValidationError(throttled_message(self.retry_after), code="throttled")
        self.locked_until = lock_until(portal=self.portal, username=username)
        if self.locked_until:
            # Recorded against the account the username names on this portal (if any),
            # so that its owner and the helpdesk see every refused attempt; the answer
            # is the same whether or not the account exists.
            account = account_for_username(portal=self.portal, username=username)
            self._record(username, LoginOutcome.LOCKED, user=account)
            raise self._locked_error()

    def _fail(self, username: str) -> None:
        self.request.session[CAPTCHA_SESSION_FLAG] = True
        self.locked_until = failure_register(
            portal=self.portal, username=username, client=self.client, method=self.method
        )
        if self.locked_until:
            raise self._locked_error()
        errors = [ValidationError(self.error_messages["invalid_login"], code="invalid_login")]
        # Counted per submitted username, so an unknown one is warned alike.
        tries = sign_in_tries_left(portal=self.portal, username=username)
        if 0 < tries <= LOCK_WARNING_TRIES_LEFT:
            message = tries_left_message(tries, portal=self.portal)
            errors.append(ValidationError(message, code="lock_warning"))
        raise ValidationError(errors)

    def _locked_error(self) -> ValidationError:
        message = locked_message_html(self.locked_until, portal=self.portal)
        return ValidationError(message, code="locked")

    def _record(self, username: str, outcome: str, user=None) -> None:
        attempt_record(
            portal=self.portal,
            username=username,
            outcome=outcome,
            client=self.client,
            user=user,
            method=self.method,
        )


class LoginForm(SigninGuardMixin, AuthenticationForm):
    """Username (or NPWP), password and, by the portal's CAPTCHA mode, the image CAPTCHA.

    One message for a wrong username, a wrong password or an inactive account; the
    same lock message whether or not the username exists.
    """

    username = UsernameField()
    password = CurrentPasswordField()
    error_messages = {"invalid_login": ONE_MESSAGE, "inactive": ONE_MESSAGE}

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self._guard_init(request)
        self.inactive_user = None
        self.captcha_shown = captcha_required(
            portal=self.portal,
            ip_address=self.client.ip_address,
            session_flag=bool(request.session.get(CAPTCHA_SESSION_FLAG)),
        )
        if self.portal.captcha_mode == CaptchaMode.AFTER_FAILURE:
            page_not_shared(request)  # the CAPTCHA depends on the visitor's address
        if self.captcha_shown:
            self.fields["captcha"] = PortalCaptchaField()

    def _fail(self, username: str) -> None:
        try:
            super()._fail(username)
        finally:
            # "After a failure" portals: the form shown again asks for the CAPTCHA.
            if not self.captcha_shown and self.portal.captcha_mode != CaptchaMode.OFF:
                self.fields["captcha"] = PortalCaptchaField()

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or password is None:
            return self.cleaned_data
        self._guard(username)
        if self.captcha_shown and "captcha" in self.errors:
            self.request.session[CAPTCHA_SESSION_FLAG] = True
            self._record(username, LoginOutcome.CAPTCHA_WRONG)
            return self.cleaned_data
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            self._fail(username)
        if not self.user_cache.is_active:
            self._record(username, LoginOutcome.INACTIVE, user=self.user_cache)
            # The right password of an account that is not active: the view may show
            # why (a vendor's registration status) instead of the one message.
            self.inactive_user = self.user_cache
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        return self.cleaned_data
