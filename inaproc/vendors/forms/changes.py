"""Forms of a change of critical company data: the vendor's request (the registration's
fields without the contact data, the document fields with an end date for licences), the
verifier's decision on it, and the verifiers' queue filter that knows both kinds."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.forms.company import CompanyDataForm
from inaproc.vendors.forms.resubmit import ResubmitDocumentsForm
from inaproc.vendors.forms.review import QueueFilterForm
from inaproc.vendors.models import ChangeRequestStatus
from inaproc.vendors.selectors.changes import CRITICAL_FIELDS, QueueKind

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


class ApproveChangeForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("I compared the proposed data with the documents, and they match."),
        error_messages={
            "required": _("Tick the box to confirm that you compared the data and documents.")
        },
    )


class VerificationQueueFilterForm(QueueFilterForm):
    """The queue's filter with the kind of item: registrations, data changes or both. A
    status narrows each kind to it (withdrawn: data changes only)."""

    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Registrations and data changes")),
            (QueueKind.REGISTRATION, _("Registrations")),
            (QueueKind.CHANGE, _("Data changes")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            *self.fields["status"].choices,
            (ChangeRequestStatus.WITHDRAWN, _("Withdrawn (data changes)")),
        ]
        self.order_fields(["kind", "status", "q"])

    def kind_filter(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("kind", "")
