"""Forms of publication, participation and clarification."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.files.forms import CheckedFilesField
from inaproc.files.services import CheckedUpload

TEXT_MAX_LENGTH = 5000


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        help_text=_("Shown on the tender's public page and emailed to every participant."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the reason for cancelling.")},
    )


class JoinForm(forms.Form):
    integrity_pact = forms.BooleanField(
        label=_("I have read the integrity pact and agree to it on behalf of my company."),
        error_messages={"required": _("Agree to the integrity pact to join.")},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        help_text=_(
            "Every participant will read it and its answer without your company's name: "
            "do not name your company in the question or the file."
        ),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write your question.")},
    )
    attachment = CheckedFilesField(
        kind="question",
        multiple=False,
        label=_("Attachment (optional, PDF)"),
        help_text=_("One PDF file, at most the portal's document size."),
    )

    def clean_attachment(self) -> list[CheckedUpload]:
        uploads = self.cleaned_data.get("attachment") or []
        if any(item.checked.content_type != "application/pdf" for item in uploads):
            raise ValidationError(_("Attach a PDF file."), code="not_pdf")
        return uploads


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        help_text=_("Emailed to every participant at once; it cannot be changed later."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the answer.")},
    )
