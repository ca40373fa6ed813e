from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.helpdesk.selectors import USER_SEARCH_MIN_LENGTH

SEARCH_MAX_LENGTH = 100


class LockSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by username"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class UserSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Username, NPWP, email or name"),
        help_text=_("At least 3 characters."),
        min_length=USER_SEARCH_MIN_LENGTH,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class UnlockForm(forms.Form):
    """Unlock one username of the portal; the reason goes into the audit log.

    `next` is where to return afterwards; the view follows it only inside the portal."""

    username = forms.CharField(max_length=150, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("For example: identity checked by phone."),
        min_length=5,
        max_length=500,
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.initial.get("username") or self.data.get("username")
        if username:
            # Each row of a list has its own form: the label names the username.
            self.fields["reason"].label = _("Reason for unlocking %(username)s") % {
                "username": username
            }


class FactorResetForm(forms.Form):
    """Reset every second factor of an account whose owner lost theirs. The officer
    confirms having checked who is asking; the reason goes into the audit log and into
    the email to the portal's administrators."""

    identity_checked = forms.BooleanField(
        label=_("I checked that the person asking is the holder of this account."),
        help_text=_(
            "For example: called back on the phone number the portal has on file, or saw "
            "their identity card in person. An email alone is not enough."
        ),
        error_messages={"required": _("Confirm that you checked the holder's identity.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("For example: phone lost; identity checked by calling back the office."),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
