"""Sealed files, the bid versions made of them, and the Pokja's rules per slot."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.bids.slots import DEFAULT_MAX_FILE_MB, MAX_FILE_MB_LIMIT
from inaproc.tenders.models import Package, Participation


class SlotRule(models.Model):
    """The Pokja's rule for one slot of a tender: the largest file and the file types
    allowed. Without a row the defaults of `bids.slots` apply."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="slot_rules")
    slot = models.CharField(_("slot"), max_length=30)
    max_file_mb = models.PositiveIntegerField(
        _("largest file (MB)"),
        default=DEFAULT_MAX_FILE_MB,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FILE_MB_LIMIT)],
    )
    # Lower-case extensions without dots, comma separated.
    extensions = models.CharField(_("file types"), max_length=200)

    class Meta:
        verbose_name = _("slot rule")
        verbose_name_plural = _("slot rules")
        constraints = [models.UniqueConstraint(fields=["package", "slot"], name="slot_rule_once")]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.slot}"


class SealedFile(models.Model):
    """One sealed file a company uploaded for a slot. It stays in the company's draft
    (`in_draft`) until removed; a submitted bid version refers to the files it holds."""

    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="sealed_files"
    )
    slot = models.CharField(_("slot"), max_length=30)
    envelope = models.PositiveSmallIntegerField(_("envelope"))
    stored_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("sealed SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    in_draft = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("sealed file")
        verbose_name_plural = _("sealed files")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["participation", "in_draft"], name="sealed_file_draft")]

    def __str__(self) -> str:
        return f"{self.slot} · {self.sha256[:12]}"


class BidState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SUPERSEDED = "superseded", _("Replaced by a later version")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BidVersion(models.Model):
    """A submitted bid: the sealed files it holds, the server's time of commit, and the
    signed receipt (the log entry) the company keeps. The last submitted version counts."""

    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="bid_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=12, choices=BidState.choices, default=BidState.SUBMITTED
    )
    files = models.ManyToManyField(SealedFile, related_name="versions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("received at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    log_index = models.PositiveBigIntegerField(_("log entry"))
    # The signed log entry as the company downloads it (translog.signed_entry_document).
    receipt = models.JSONField()
    receipt_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("bid version")
        verbose_name_plural = _("bid versions")
        ordering = ["participation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "number"], name="bid_version_once"),
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(state="submitted"),
                name="bid_version_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} · v{self.number}"
