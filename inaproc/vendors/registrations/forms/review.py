"""Forms of the verifiers' pages: filtering the queue, and the three decisions on a
registration (approve after a checklist, reject with a reason, ask for changes per field
or document)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.companies.selectors.company import correctable_labels
from inaproc.vendors.models import ChangeRequestStatus, RegistrationStatus
from inaproc.vendors.registrations.selectors import QUEUE_QUERY_MAX_LENGTH, QueueKind

REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 2000


class QueueFilterForm(forms.Form):
    """The queue's GET form. An empty status means "waiting for a decision" (submitted
    and resubmitted)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Waiting for a decision")), *RegistrationStatus.choices],
    )
    q = forms.CharField(
        label=_("NPWP or company name"),
        required=False,
        max_length=QUEUE_QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def filters(self) -> tuple[str, str]:
        """(status, query) to list: the valid ones; an invalid value is left out (and
        its error shown next to its field)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("status", ""), data.get("q", "")


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"


# What a verifier checks against the documents before approving.
APPROVAL_CHECKS = (
    ("npwp", _("The NPWP matches the NPWP card.")),
    ("nib", _("The NIB matches the NIB document from OSS.")),
    ("deed", _("The deed of establishment and the legal form match.")),
    ("representative", _("The representative's NIK matches the ID card.")),
    ("sectors", _("The business sectors match the business licences.")),
    ("contact", _("The address, phone and email look plausible.")),
)


class ApproveForm(forms.Form):
    checks = forms.MultipleChoiceField(
        label=_("Checks before approving"),
        choices=APPROVAL_CHECKS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick every check before approving."),
            "invalid_choice": _("Tick every check before approving."),
        },
    )

    def clean_checks(self) -> list[str]:
        ticked = set(self.cleaned_data["checks"])
        if ticked != {value for value, _label in APPROVAL_CHECKS}:
            raise ValidationError(_("Tick every check before approving."), code="incomplete")
        return sorted(ticked)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        help_text=_("The vendor receives this text by email. Say what is wrong."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the reason for the rejection.")},
    )


def note_field_name(key: str) -> str:
    """The form field of the note on `key` (a company field, or `document:<kind>`)."""
    return "note_" + key.replace(":", "_")


class RequestChangesForm(forms.Form):
    """One optional note per correctable field and document type, and a general message;
    at least one of them."""

    message = forms.CharField(
        label=_("General message"),
        required=False,
        help_text=_("Shown to the vendor above the notes."),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.note_keys: dict[str, str] = {}
        for key, label in correctable_labels().items():
            name = note_field_name(key)
            self.note_keys[name] = key
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The general message last, after the notes.
        self.fields["message"] = self.fields.pop("message")

    def note_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.note_keys]

    def has_note_values(self) -> bool:
        return self.is_bound and any(self.data.get(name, "").strip() for name in self.note_keys)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (self.notes() or cleaned.get("message")):
            raise ValidationError(
                _("Write at least one note: on a field, on a document, or as a general message."),
                code="no_notes",
            )
        return cleaned

    def notes(self) -> dict[str, str]:
        """{field name or `document:<kind>`: note} of the notes written."""
        data = getattr(self, "cleaned_data", {})
        return {key: data[name] for name, key in self.note_keys.items() if data.get(name)}


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
