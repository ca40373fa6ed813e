"""A mistyped address corrected before it is confirmed (on the registration's status page)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.registrations.services.confirmation import email_unchanged_message

# As the registration form's email field (CompanyDataForm.email).
EMAIL_MAX_LENGTH = 254


class EmailCorrectionForm(forms.Form):
    """The registration form's email field (same checks), not the current address."""

    email = forms.EmailField(
        label=_("Correct email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_(
            "A new confirmation link goes to this address; the link sent before stops working."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, current_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_email = current_email

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.casefold() == self.current_email.casefold():
            raise ValidationError(email_unchanged_message(), code="unchanged")
        return email
