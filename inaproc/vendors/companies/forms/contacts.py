"""Forms of the company's contact data: phone and address (the registration's fields),
and a new email address (confirmed by a link before it counts)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.companies.forms.company import CompanyDataForm
from inaproc.vendors.companies.selectors.changes import CONTACT_FIELDS


class ContactForm(CompanyDataForm):
    """Address and phone, with the registration's labels and checks."""

    name = legal_form = npwp = nib = email = sectors = None
    representative_name = representative_nik = representative_position = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["street", "city", "province", "postal_code", "phone"])

    def contact_values(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in CONTACT_FIELDS}


class CompanyEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("New company email"),
        max_length=254,
        help_text=_(
            "We send a confirmation link to this address. The company's address changes "
            "only when the link is used."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, current_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_email = current_email

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.casefold() == self.current_email.casefold():
            raise ValidationError(
                _("This is already the company's email address."), code="unchanged"
            )
        return email
