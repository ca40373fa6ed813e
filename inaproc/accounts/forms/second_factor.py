from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    """The code of the authenticator app (6 digits) or one recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    remember = forms.BooleanField(
        label=_("Remember this browser for 30 days"),
        required=False,
        help_text=_("Only on a computer that you alone use."),
    )

    def __init__(self, *args, remember_offered: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not remember_offered:
            del self.fields["remember"]
