"""The proof of a human on forms without an account (registration, a new ticket): the
image CAPTCHA, or instead a code emailed to the address typed in the form's `email`
field (WCAG 2.2 SC 3.3.8: an accessible way that needs no reading of an image). The
code machinery is the sign-in code's (services/login_codes.py)."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.services.login_codes import (
    LOGIN_CODE_DIGITS,
    email_code_check,
    email_code_consume,
)
from inaproc.portals.models import Portal

# The hidden input that says the form is answered with an emailed code, not the image.
PROOF_FIELD = "proof"
PROOF_BY_CODE = "email_code"
# The button that asks for a code (the form is shown again, unchecked, in code mode).
EMAIL_CODE_REQUEST = "email_code_request"

CODE_WRONG = _(
    "The code is not correct, or it has expired or been tried too often. Check it, or ask "
    "for a new one: it goes to the address in the Email field."
)


class EmailCodeField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Code from the email"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", _("%(digits)d digits; you can paste it.") % {"digits": LOGIN_CODE_DIGITS}
        )
        kwargs.setdefault(
            "error_messages", {"required": _("Type the code from the email we sent you.")}
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        )
        super().__init__(**kwargs)


class HumanProofMixin:
    """A form with a `captcha` field and an `email` field that may be answered with an
    emailed code instead: `proof_setup(by_code=…)` in __init__, `proof_check()` in
    clean(), and the view calls `proof_consume()` when everything else succeeded."""

    code_purpose = ""
    # Provided by the form (annotations only: nothing here shadows the form's own).
    fields: dict
    cleaned_data: dict
    portal: Portal
    add_error: Callable[..., None]
    code_sent_to = ""  # the address a code was just asked for (shown on the page)
    code_minutes = settings.LOGIN_CODE_MINUTES

    def proof_setup(self, *, by_code: bool) -> None:
        self.proof_by_code = by_code and "captcha" in self.fields
        if self.proof_by_code:
            del self.fields["captcha"]
            self.fields["email_code"] = EmailCodeField()

    def code_asked(self, email: str) -> None:
        """A code was just asked for `email`: the page says so and its field takes the
        focus (on a phone the field is far down a long form)."""
        self.code_sent_to = email
        if email and self.proof_by_code:
            self.fields["email_code"].widget.attrs["autofocus"] = True

    def _code_args(self) -> dict | None:
        email, code = self.cleaned_data.get("email"), self.cleaned_data.get("email_code")
        if not email or not code:
            return None
        return {"portal": self.portal, "purpose": self.code_purpose, "email": email, "code": code}

    def proof_check(self) -> None:
        """The code, checked (a wrong one counts a try) but not used up: the form may
        fail elsewhere and be sent again with the same code."""
        if not self.proof_by_code:
            return
        args = self._code_args()
        if args is not None and not email_code_check(**args):
            self.add_error("email_code", CODE_WRONG)

    def proof_consume(self) -> bool:
        """Use the code up, once the form is valid; False (with the message) if another
        request used it meanwhile."""
        if not self.proof_by_code:
            return True
        args = self._code_args()
        if args is not None and email_code_consume(**args):
            return True
        self.add_error("email_code", CODE_WRONG)
        return False
