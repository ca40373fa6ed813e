"""Forms of the company's users pages: invite someone, change a user's role, and the
invitee's own account (username and password) on the invitation page."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inaproc.accounts.forms.passwords import SetNewPasswordForm
from inaproc.accounts.models import Role, User
from inaproc.accounts.usernames import username_normalize
from inaproc.core.forms import ServiceErrorsForm
from inaproc.core.validators import single_line_validator
from inaproc.vendors.models import CompanyInvitation, CompanyRole

EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 200
USERNAME_MAX_LENGTH = 150


def username_taken_message() -> str:
    return _("This username is already taken on this portal. Choose another one.")


def role_help() -> str:
    return _(
        "Administrators manage the company's data, documents and users. Bid preparers "
        "prepare and submit bids. Viewers only look. Only administrators change anything "
        "about the company."
    )


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Role"))
        kwargs.setdefault("choices", CompanyRole.choices)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("help_text", role_help())
        kwargs.setdefault("error_messages", {"required": _("Choose a role.")})
        super().__init__(**kwargs)


class InvitationForm(ServiceErrorsForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=NAME_MAX_LENGTH,
        validators=[single_line_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = RoleField(initial=CompanyRole.VIEWER)

    def __init__(self, *args, valid_days: int = 7, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = ngettext(
            "The invitation link goes to this address. It works once, for %(days)d day.",
            "The invitation link goes to this address. It works once, for %(days)d days.",
            valid_days,
        ) % {"days": valid_days}


class MemberRoleForm(forms.Form):
    role = RoleField()


class InvitationAcceptForm(ServiceErrorsForm, SetNewPasswordForm):
    """The invitee's username (unique on the portal) and password (the portal's policy,
    checked against the new account's own username, address and name)."""

    # The service's `password` is the first of the two password fields.
    service_field_names = {"password": "new_password1"}

    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        help_text=_("Letters, digits and . @ + - _ only. You sign in with it."),
        validators=[UnicodeUsernameValidator(message=_("Use only letters, digits and . @ + - _"))],
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    field_order = ["username", "new_password1", "new_password2"]

    def __init__(self, invitation: CompanyInvitation, *args, **kwargs) -> None:
        candidate = User(
            portal=invitation.company.portal,
            role=Role.VENDOR,
            email=invitation.email,
            full_name=invitation.full_name,
        )
        super().__init__(candidate, *args, **kwargs)
        company = invitation.company
        self.password_company = {"company_name": company.name, "npwp": company.npwp}
        self.fields["new_password1"].label = _("Password")
        self.fields["new_password2"].label = _("Password again")

    def clean_username(self) -> str:
        username = username_normalize(self.cleaned_data["username"])
        if User.objects.filter(portal=self.user.portal, username__iexact=username).exists():
            raise ValidationError(username_taken_message(), code="taken")
        # The password's similarity check (cleaned next) compares with this username.
        self.user.username = username
        return username
