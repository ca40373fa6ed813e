from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, bound to the request so that the backend knows the portal.

    One message for a wrong username or a wrong password; later issues add the
    CAPTCHA and lockout fields here.
    """

    username = forms.CharField(
        label=_("Username or NPWP"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The username or password is not correct. Check both and try again; "
            "passwords are case-sensitive."
        ),
        "inactive": _("The username or password is not correct."),
    }
