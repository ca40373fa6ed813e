"""Forms of the second-factor pages: confirming a new authenticator app, and the
download of recovery codes just shown."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The form in which recovery_codes_generate shows the codes ("xxxxx-xxxxx").
RECOVERY_CODE_SHOWN = re.compile(r"[a-z2-9]{5}-[a-z2-9]{5}")


class TotpConfirmForm(forms.Form):
    """The first code of a new authenticator app: it proves the app holds the secret."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("The 6 digits the app shows now for this account."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Type the 6 digits that the app shows."))
        return code


class RecoveryCodesDownloadForm(forms.Form):
    """The codes of the page that shows them, sent back to be returned as a text file.

    The server keeps no plaintext copy (not even in the session, which lives in the
    database): the page's own codes are echoed, after checking their shape."""

    def __init__(self, data=None) -> None:
        super().__init__(data)
        self.codes: list[str] = []

    def clean(self):
        codes = [code.strip().lower() for code in self.data.getlist("code")]
        valid = [code for code in codes if RECOVERY_CODE_SHOWN.fullmatch(code)]
        if not valid or len(valid) != len(codes) or len(codes) > settings.RECOVERY_CODE_COUNT:
            raise forms.ValidationError(_("These are not recovery codes."))
        self.codes = valid
        return super().clean()
