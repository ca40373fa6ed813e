"""Forms of tickets: opening one, answering, the staff queue's filters, the status and
the account tools reached from a ticket."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inaproc.accounts.captcha import PortalCaptchaField
from inaproc.accounts.forms.human_proof import HumanProofMixin
from inaproc.core.identity import npwp_normalize
from inaproc.core.validators import single_line_validator
from inaproc.files.checks import document_max_bytes
from inaproc.files.forms import CheckedFilesField
from inaproc.files.services import CheckedUpload
from inaproc.helpdesk.models import TicketCategory, TicketStatus
from inaproc.helpdesk.selectors.tickets import FILTER_ALL, FILTER_UNRESOLVED

ATTACHMENT_KIND = "attachment"
MAX_ATTACHMENTS = 5
MESSAGE_MAX_LENGTH = 5000
# A report of something older than this is not a helpdesk ticket; the bound also keeps
# absurd years out of the time zone arithmetic.
OCCURRED_MAX_AGE = timedelta(days=366)
CLOCK_SKEW = timedelta(minutes=5)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class AttachmentsField(CheckedFilesField):
    """Optional files, each checked by content as a registration's documents are (PDF,
    JPEG or PNG, size-capped). Cleans to a list of CheckedUpload. `already`: files
    held for the form from an earlier submit, which count towards MAX_ATTACHMENTS."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Attachments (optional)"))
        super().__init__(kind=ATTACHMENT_KIND, multiple=True, **kwargs)
        self.already = 0

    def clean(self, data, initial=None) -> list[CheckedUpload]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) + self.already > MAX_ATTACHMENTS:
            raise ValidationError(
                ngettext(
                    "Attach at most %(count)d file.",
                    "Attach at most %(count)d files.",
                    MAX_ATTACHMENTS,
                ),
                code="too_many",
                params={"count": MAX_ATTACHMENTS},
            )
        return super().clean(data, initial)


def attachments_help() -> str:
    return _(
        "Screenshots or documents: PDF, JPEG or PNG, at most %(megabytes)s MB each, "
        "at most %(count)d files."
    ) % {"megabytes": f"{document_max_bytes() / (1024 * 1024):g}", "count": MAX_ATTACHMENTS}


class AttachmentsMixin:
    """A form with an `attachments` field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Here, not on the field: the size limit is a setting and the text is translated.
        self.fields["attachments"].help_text = attachments_help()

    def checked_uploads(self) -> list[CheckedUpload]:
        return self.cleaned_data.get("attachments") or []

    def valid_uploads(self) -> list[CheckedUpload]:
        """The attachments, if they passed, even when the rest of the form failed."""
        return self.checked_uploads() if hasattr(self, "cleaned_data") else []

    def upload_field(self, kind: str) -> str:
        return "attachments"

    def files_lost(self) -> bool:
        """Files were chosen but the form failed and none of them is held: the browser
        does not keep them."""
        return bool(self.files) and bool(self.errors) and not self.valid_uploads()


def _message_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=2,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class TicketForm(HumanProofMixin, AttachmentsMixin, forms.Form):
    """Opening a ticket. The CAPTCHA (or instead a code emailed to the address typed) is
    asked only of visitors who are not signed in."""

    code_purpose = "ticket"

    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose a topic")), *TicketCategory.choices],
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=200,
        validators=[single_line_validator],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    npwp = forms.CharField(
        label=_("NPWP (optional)"),
        required=False,
        max_length=64,
        help_text=_(
            "The company's NPWP, or your username if it is one: 15 or 16 digits, with or "
            "without dots and dashes. It helps us find your account."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send the ticket number and a private link to follow it here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    occurred_at = forms.DateTimeField(
        label=_("When did it happen? (WIB)"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Date and time, as exactly as you can."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        min_length=10,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_(
            "What you were doing, what you expected and what the page said (the exact "
            "message, if there was one). Never write your password here."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = AttachmentsField()
    captcha = PortalCaptchaField()

    def __init__(
        self,
        *args,
        portal=None,
        signed_in: bool = False,
        held_count: int = 0,
        proof_by_code: bool = False,
        **kwargs,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)
        self.portal = portal
        self.fields["attachments"].already = held_count
        if signed_in:
            del self.fields["captcha"]
        self.proof_setup(by_code=proof_by_code)

    def clean(self):
        cleaned = super().clean()
        self.proof_check()
        return cleaned

    def clean_npwp(self) -> str:
        value = self.cleaned_data["npwp"]
        return npwp_normalize(value) if value else ""

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        now = timezone.now()
        if value > now + CLOCK_SKEW:
            raise ValidationError(_("This time is in the future."), code="future")
        if value < now - OCCURRED_MAX_AGE:
            raise ValidationError(_("Enter a time within the last year."), code="too_old")
        return value


class RequesterReplyForm(AttachmentsMixin, forms.Form):
    body = _message_field(_("Your answer"))
    attachments = AttachmentsField()


class StaffReplyForm(AttachmentsMixin, forms.Form):
    body = _message_field(_("Answer to the requester"))
    status = forms.ChoiceField(
        label=_("Status after this answer"),
        choices=TicketStatus.choices,
        initial=TicketStatus.WAITING_FOR_USER,
    )
    attachments = AttachmentsField()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=TicketStatus.choices)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (FILTER_UNRESOLVED, _("Open and waiting for the user")),
            *TicketStatus.choices,
            (FILTER_ALL, _("All")),
        ],
    )
    category = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *TicketCategory.choices]
    )
    q = forms.CharField(
        label=_("Reference, NPWP, email or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class AccountAction:
    UNLOCK = "unlock"
    RESEND_CONFIRMATION = "resend_confirmation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (an action's name)

    LABELS = {
        UNLOCK: _("Unlock the username"),
        RESEND_CONFIRMATION: _("Send the registration's confirmation link again"),
        PASSWORD_RESET: _("Email a password reset link to the account's address"),
    }


class AccountActionForm(forms.Form):
    """One action on one account a ticket is about; the reason goes into the audit log
    with the ticket's reference."""

    user_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("For example: identity checked by phone. Kept in the audit log."),
        min_length=5,
        max_length=500,
    )

    def __init__(self, *args, actions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, AccountAction.LABELS[a]) for a in actions]
        if len(actions) == 1:
            self.fields["action"].initial = actions[0]
