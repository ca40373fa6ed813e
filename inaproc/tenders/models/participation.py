from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.files.models import StoredDocumentFields
from inaproc.tenders.models.packages import FailureReason, Package


class PublicationApproval(models.Model):
    """One Pokja member's approval to publish a package, with name and time."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication approval")
        verbose_name_plural = _("publication approvals")
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "user"], name="publication_approval_once")
        ]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.user_id}"


class FailureApproval(models.Model):
    """One runner's approval to declare a published tender failed. The first approval
    proposes the reason; the tender fails when the approvals that count reach the quorum
    that publishes it (`tenders.services.failure`)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="failure_approvals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FailureReason.choices)
    note = models.TextField(_("explanation"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failure approval")
        verbose_name_plural = _("failure approvals")
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "user"], name="failure_approval_once")
        ]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.user_id}"


class Participation(models.Model):
    """A company taking part in a tender ("Ikut Tender"), after agreeing to the
    integrity pact (pakta integritas)."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="participations")
    company = models.ForeignKey(
        "vendors.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("joined by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    integrity_pact_agreed_at = models.DateTimeField(_("integrity pact agreed at"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "company"], name="participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.company_id}"


class Question(models.Model):
    """A participant's question during Pemberian Penjelasan and the Pokja's answer.
    Shown to every participant without the asker (staff see who asked)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="questions")
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["package", "answered_at"], name="question_package_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionAttachment(StoredDocumentFields):
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="attachment")

    class Meta:
        verbose_name = _("question attachment")
        verbose_name_plural = _("question attachments")


class ReminderKind(models.TextChoices):
    """How long before the bid deadline a participant is reminded."""

    DAY = "24h", _("24 hours before the bid deadline")
    HOURS = "2h", _("2 hours before the bid deadline")


class ParticipationReminder(models.Model):
    """A reminder of the bid deadline sent to a participant: one per kind and deadline.
    A deadline moved later is a new deadline, so its reminders are due again."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("reminder"), max_length=5, choices=ReminderKind.choices)
    deadline = models.DateTimeField(_("bid deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "kind", "deadline"], name="participation_reminder_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values),
                name="participation_reminder_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} · {self.kind} · {self.deadline}"
