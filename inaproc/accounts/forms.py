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

    _one_message = _(
        "The username or password is not correct. Check both and try again; "
        "passwords are case-sensitive."
    )
    # An inactive account gets the same words: nothing tells it apart from a typo.
    error_messages = {"invalid_login": _one_message, "inactive": _one_message}
