"""Forms of a change of critical company data: the vendor's request (the registration's
fields without the contact data, the document fields with an end date for licences), the
verifier's decision on it, and the verifiers' queue filter that knows both kinds."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.companies.forms.company import CompanyDataForm
from inaproc.vendors.companies.forms.documents import ResubmitDocumentsForm
from inaproc.vendors.companies.selectors.changes import CRITICAL_FIELDS

MESSAGE_MAX_LENGTH = 2000


class CriticalDataForm(CompanyDataForm):
    """The company's critical data (the registration's fields without address, phone and
    email), pre-filled with the approved values, and a note for the verifier."""

    province = city = street = postal_code = phone = email = None
    message = forms.CharField(
        label=_("Explanation for the verifier"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Optional. Why the data change, e.g. a new deed after a change of directors."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def critical_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CRITICAL_FIELDS}


class ChangeDocumentsForm(ResubmitDocumentsForm):
    """New files per document type, and the end date of new licences (the resubmission
    form's fields, from `LicenceValidUntilMixin`)."""
