"""The form that proposes (or confirms) declaring a tender failed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.tenders.forms.participation import TEXT_MAX_LENGTH
from inaproc.tenders.models import FailureReason


class FailureForm(forms.Form):
    """Without a proposal yet: the reason and an explanation; confirming a proposal, the
    form has no field (the reason is the proposal's)."""

    reason = forms.ChoiceField(
        label=_("Reason for the failure"),
        choices=[("", _("Choose a reason")), *FailureReason.choices],
        error_messages={
            "required": _("Choose the reason for the failure."),
            "invalid_choice": _("Choose the reason for the failure."),
        },
    )
    note = forms.CharField(
        label=_("Explanation"),
        help_text=_(
            "Shown on the tender's public page and emailed to every participant; required "
            "for another reason."
        ),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, proposing: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not proposing:
            del self.fields["reason"]
            del self.fields["note"]

    def clean(self):
        data = super().clean() or {}
        if data.get("reason") == FailureReason.OTHER and not (data.get("note") or "").strip():
            raise ValidationError({"note": _("Explain the other reason for the failure.")})
        return data
