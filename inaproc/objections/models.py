"""Objections (sanggah) of a tender's participants, the Pokja's answers, and appeals
(sanggah banding) of construction tenders to the budget holder (TENDERS.md §4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.files.models import StoredDocumentFields
from inaproc.tenders.models import Package, Participation


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Outcome(models.TextChoices):
    """What an accepted objection or appeal does to the tender."""

    REEVALUATE = "reevaluate", _("The tender goes back to evaluation")
    FAIL = "fail", _("The tender fails (Tender Gagal)")


class Filed(models.Model):
    """What an objection and an appeal share: who filed it, when and why, and the
    decision on it with its effect on the tender (only an accepted one has an effect)."""

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reasons = models.TextField(_("reasons"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    outcome = models.CharField(_("effect"), max_length=12, choices=Outcome.choices, blank=True)

    class Meta:
        abstract = True
        ordering = ["filed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["", *Decision.values]), name="%(class)s_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(decision=Decision.ACCEPTED),
                name="%(class)s_outcome_only_accepted",
            ),
        ]


class Objection(Filed):
    """A participant's one objection during Masa Sanggah, and the Pokja's answer."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="objections")
    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="objection"
    )
    decision = models.CharField(_("answer"), max_length=10, choices=Decision.choices, blank=True)
    answer = models.TextField(_("reasons of the answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta(Filed.Meta):
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.package_id} · {self.participation_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ObjectionAttachment(StoredDocumentFields):
    """A document attached to an objection: private (the objector and the officials)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = _("objection attachment")
        verbose_name_plural = _("objection attachments")
        ordering = ["uploaded_at", "pk"]


class Appeal(Filed):
    """Sanggah banding (Pekerjaan Konstruksi only): the objector of a rejected objection
    appeals to the budget holder (PA/KPA); the decision is entered by the package's PPK
    or a portal administrator as the budget holder's."""

    objection = models.OneToOneField(Objection, on_delete=models.PROTECT, related_name="appeal")
    decision_reasons = models.TextField(_("reasons of the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta(Filed.Meta):
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.objection_id} · banding"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None
