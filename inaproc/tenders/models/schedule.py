from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inaproc.tenders.models.packages import Package


class ScheduleStage(models.Model):
    """One stage of a package's schedule (TENDERS.md §3): SPSE's stage by `key` (see
    `tenders.stages`), start and end, and how often it was changed after publication."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("no."))
    key = models.CharField(_("stage"), max_length=60)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    change_count = models.PositiveSmallIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("schedule stage")
        verbose_name_plural = _("schedule stages")
        ordering = ["package", "position"]
        constraints = [
            models.UniqueConstraint(fields=["package", "position"], name="stage_position_unique"),
            models.UniqueConstraint(fields=["package", "key"], name="stage_key_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="stage_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["key", "ends_at"], name="stage_key_ends_idx"),
            # Tenders not finished yet: stages ending after now (the public list's filter
            # and the portal home's open tenders).
            models.Index(fields=["ends_at", "package"], name="stage_ends_package_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} #{self.position} {self.key}"


class ScheduleChange(models.Model):
    """A change of one stage after publication: its reason, who (None: the platform, for
    the outage grace), the times before and after. Public (the schedule's history).

    `outage` names the maintenance window or incident a grace change came from
    (`maintenance:<id>` / `incident:<id>`); unique per stage, so the same outage never
    moves a deadline twice."""

    stage = models.ForeignKey(ScheduleStage, on_delete=models.CASCADE, related_name="changes")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="schedule_changes")
    previous_starts_at = models.DateTimeField(_("previous start"))
    previous_ends_at = models.DateTimeField(_("previous end"))
    starts_at = models.DateTimeField(_("new start"))
    ends_at = models.DateTimeField(_("new end"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outage = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "outage"],
                condition=~Q(outage=""),
                name="schedule_change_outage_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} · {self.created_at}"
