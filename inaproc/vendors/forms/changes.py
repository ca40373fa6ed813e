"""Forms of a change of critical company data: the vendor's request (the registration's
fields without the contact data, the document fields with an end date for licences), the
verifier's decision on it, and the verifiers' queue filter that knows both kinds."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.forms.company import CompanyDataForm, document_field_name
from inaproc.vendors.forms.resubmit import ResubmitDocumentsForm
from inaproc.vendors.forms.review import QueueFilterForm
from inaproc.vendors.models import ChangeRequestStatus
from inaproc.vendors.selectors.changes import CRITICAL_FIELDS, QueueKind

MESSAGE_MAX_LENGTH = 2000
LICENCE = DocumentKind.BUSINESS_LICENCE
LICENCE_VALID_UNTIL_FIELD = "licence_valid_until"


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
    """New files per document type, and the end date of new licences (optional: many
    licences have none). The date applies to every licence file of this request."""

    licence_valid_until = forms.DateField(
        label=_("New licence valid until"),
        required=False,
        help_text=_(
            "Optional. The end date printed on the new licence, if it has one; we remind "
            "you 30 days before. It applies to each licence file added here."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, e.g. 2027-12-31.")},
    )

    def __init__(self, *args, held_kinds: Iterable[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held_kinds = set(held_kinds)

    def clean_licence_valid_until(self) -> date | None:
        value = self.cleaned_data.get(LICENCE_VALID_UNTIL_FIELD)
        if value is not None and value < timezone.localdate():
            raise ValidationError(
                _("This date has passed: upload a licence that is still valid."), code="past"
            )
        return value

    def clean(self):
        cleaned = super().clean()
        has_licence = bool(cleaned.get(document_field_name(LICENCE))) or LICENCE in self.held_kinds
        if cleaned.get(LICENCE_VALID_UNTIL_FIELD) and not has_licence:
            self.add_error(
                LICENCE_VALID_UNTIL_FIELD,
                ValidationError(
                    _("Choose the new licence file this date belongs to, or clear the date."),
                    code="no_licence",
                ),
            )
        return cleaned

    def valid_until(self) -> dict[str, date | None]:
        return {LICENCE: self.cleaned_data.get(LICENCE_VALID_UNTIL_FIELD)}


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
