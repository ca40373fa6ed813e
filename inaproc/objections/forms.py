"""Forms of objections, answers, appeals and the budget holder's decisions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.files.forms import CheckedFilesField
from inaproc.objections.models import Decision, Outcome
from inaproc.objections.services.objections import ATTACHMENT_KIND, MAX_ATTACHMENTS

TEXT_MAX_LENGTH = 20000


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the objection"),
        help_text=_(
            "What in the evaluation or the announcement you object to, and why. After "
            "Masa Sanggah it is public, with your company's name."
        ),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the reasons for your objection.")},
    )
    attachments = CheckedFilesField(
        kind=ATTACHMENT_KIND,
        multiple=True,
        label=_("Supporting documents (optional)"),
        help_text=_("PDF, JPEG or PNG, at most five files; seen only by the officials."),
    )

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(count)d files."),
                code="too_many",
                params={"count": MAX_ATTACHMENTS},
            )
        return uploads


class _DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose accepted or rejected."),
            "invalid_choice": _("Choose accepted or rejected."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("If accepted: what happens to the tender"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose what happens to the tender.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the reasons of the answer.")},
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == Decision.ACCEPTED and not data.get("outcome"):
            raise ValidationError(
                {"outcome": _("Choose what happens to the tender when the objection is upheld.")}
            )
        if data.get("decision") == Decision.REJECTED:
            data["outcome"] = ""
        return data


class AnswerForm(_DecisionForm):
    """The Pokja's answer to an objection."""


class AppealDecisionForm(_DecisionForm):
    """The budget holder's decision on an appeal, entered by the PPK or an administrator."""

    decision = forms.ChoiceField(
        label=_("Decision of the budget holder (PA/KPA)"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose accepted or rejected."),
            "invalid_choice": _("Choose accepted or rejected."),
        },
    )


class AppealForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the appeal"),
        help_text=_("Why the answer to your objection is wrong. Public after the decision."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the reasons for your appeal.")},
    )
