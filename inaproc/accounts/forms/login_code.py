from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.forms.login import (
    CurrentPasswordField,
    SigninGuardMixin,
    UsernameField,
)
from inaproc.accounts.models import LoginMethod, LoginOutcome
from inaproc.accounts.services.login_codes import LOGIN_CODE_DIGITS, login_code_consume


class LoginCodeRequestForm(forms.Form):
    username = UsernameField()


class LoginCodeForm(SigninGuardMixin, forms.Form):
    """Username, password and the code emailed to the account, instead of the image."""

    method = LoginMethod.EMAIL_CODE
    username = UsernameField()
    password = CurrentPasswordField()
    code = forms.CharField(
        label=_("Code from the email"),
        max_length=20,
        help_text=_("%(digits)d digits; you can paste it.") % {"digits": LOGIN_CODE_DIGITS},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": False}
        ),
    )
    error_messages = {
        "invalid_login": _(
            "The username, password or code is not correct, or the code has expired. "
            "Check them and try again, or ask for a new code."
        )
    }

    def __init__(self, request, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user_cache = None
        self._guard_init(request)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        code = self.cleaned_data.get("code")
        if not username or password is None or not code:
            return self.cleaned_data
        self._guard(username)
        user = authenticate(self.request, username=username, password=password)
        if user is None or not login_code_consume(user=user, code=code):
            self._fail(username)
        if not user.is_active:
            self._record(username, LoginOutcome.INACTIVE, user=user)
            raise ValidationError(self.error_messages["invalid_login"], code="inactive")
        self.user_cache = user
        return self.cleaned_data

    def get_user(self):
        return self.user_cache
