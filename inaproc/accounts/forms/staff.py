"""Forms of the portal administrator's staff pages: invite a staff member, change the
roles of one."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.selectors import STAFF_ROLE_ORDER
from inaproc.core.forms import ServiceErrorsForm
from inaproc.core.validators import single_line_validator

EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 200
USERNAME_MAX_LENGTH = 150


def _role_choices() -> list[tuple[str, str | Promise]]:
    return [(role.value, role.label) for role in STAFF_ROLE_ORDER]


class StaffRolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("choices", _role_choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault(
            "help_text",
            _(
                "One or more. A PPK may also sit on a Pokja, but never on the Pokja of "
                "their own package."
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose at least one role."),
                "invalid_choice": _("Choose roles from the list."),
            },
        )
        super().__init__(**kwargs)


class StaffInviteForm(ServiceErrorsForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=NAME_MAX_LENGTH,
        validators=[single_line_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("The link to choose a password goes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        help_text=_("Letters, digits and . @ + - _ only. Unique on this portal."),
        validators=[UnicodeUsernameValidator(message=_("Use only letters, digits and . @ + - _"))],
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    roles = StaffRolesField()


class StaffRolesForm(ServiceErrorsForm):
    roles = StaffRolesField()
