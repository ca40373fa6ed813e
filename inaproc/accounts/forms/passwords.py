"""Forms of the password pages: asking for a reset link or the usernames of an
address, setting a new password (from a reset link or when signed in)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from inaproc.accounts.forms.login import CurrentPasswordField
from inaproc.accounts.models import User
from inaproc.accounts.services.users import password_validate
from inaproc.accounts.validators import MAX_PASSWORD_LENGTH
from inaproc.portals.models import POLICY_BOUNDS

IDENTIFIER_MAX_LENGTH = 254
# Bounds what reaches the validators; the policy's own limit (128) is a friendly error.
PASSWORD_INPUT_MAX_LENGTH = 4096


class ResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Email or username"),
        max_length=IDENTIFIER_MAX_LENGTH,
        help_text=_("Your username may be your company's NPWP; dots and dashes are fine."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )


class UsernameReminderForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=IDENTIFIER_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class NewPasswordField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("strip", False)
        kwargs.setdefault("max_length", PASSWORD_INPUT_MAX_LENGTH)
        kwargs.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": "new-password"}))
        super().__init__(**kwargs)


class SetNewPasswordForm(forms.Form):
    """A new password, typed twice, checked against the account's portal policy.

    The policy is shown above the fields (components/password_policy.html); a broken
    rule is reported next to the first field.
    """

    new_password1 = NewPasswordField(label=_("New password"))
    new_password2 = NewPasswordField(
        label=_("New password again"),
        help_text=_("Type or paste the same password, to catch a typing mistake."),
    )

    # The company the account will act for, when it is not yet a member (an invitation):
    # `company_name` and `npwp` for password_validate.
    password_company: dict[str, str] = {}

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        minimum = (
            user.portal.password_min_length
            if user.portal
            else POLICY_BOUNDS["password_min_length"][0]
        )
        self.fields["new_password1"].help_text = ngettext(
            "At least %(min)d character and at most %(max)d.",
            "At least %(min)d characters and at most %(max)d.",
            minimum,
        ) % {"min": minimum, "max": MAX_PASSWORD_LENGTH}

    @sensitive_variables("password")
    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        try:
            password_validate(password=password, user=self.user, **self.password_company)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return password

    @sensitive_variables("first", "second")
    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2",
                ValidationError(
                    _("The two passwords are not the same. Type the new password twice."),
                    code="password_mismatch",
                ),
            )
        return cleaned

    @property
    def password(self) -> str:
        return self.cleaned_data["new_password1"]


class PasswordChangeForm(SetNewPasswordForm):
    """The signed-in user's current password, then the new one twice. A wrong current
    password is only reported next to its field: nothing is counted."""

    current_password = CurrentPasswordField(label=_("Current password"))
    field_order = ["current_password", "new_password1", "new_password2"]

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["current_password"].widget.attrs["autofocus"] = True

    @sensitive_variables("password")
    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("This is not your current password. Check it and try again."),
                code="password_incorrect",
            )
        return password
