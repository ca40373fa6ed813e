from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class Announcement(models.Model):
    """A public notice of one portal ("Pengumuman"). The body is Markdown, rendered safely
    (see announcements.markdown). It is public from `publish_at` until `end_at` (if set)."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.CASCADE, related_name="announcements"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    publish_at = models.DateTimeField(_("publish at"))
    end_at = models.DateTimeField(_("show until"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["portal", "publish_at"], name="announcement_portal_pub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__isnull=True) | Q(end_at__gt=F("publish_at")),
                name="announcement_ends_after_publication",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MaintenanceWindow(models.Model):
    """Scheduled downtime. `portal` None: every portal (set by a platform operator).

    From `notice_from` every page shows a banner; between `starts_at` and `ends_at` the
    portal answers everyone but signed-in staff with 503. It ends by itself.
    """

    portal = models.ForeignKey(
        Portal,
        verbose_name=_("portal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="maintenance_windows",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    notice_from = models.DateTimeField(_("show the banner from"))
    message = models.TextField(_("message"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["ends_at"], name="maintenance_ends_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="maintenance_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(notice_from__lte=F("starts_at")),
                name="maintenance_notice_before_start",
            ),
        ]

    def __str__(self) -> str:
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{starts:%Y-%m-%d %H:%M}–{ends:%Y-%m-%d %H:%M} WIB"

    @property
    def banner_full_from(self) -> datetime:
        """Until the day before the window (WIB) the banner is one summary line that opens
        to the message; from the start of that day, in full."""
        day_before = timezone.localtime(self.starts_at).date() - timedelta(days=1)
        return timezone.make_aware(datetime.combine(day_before, time.min))


class Incident(models.Model):
    """An unplanned outage the portal administrator records after the fact (start, end,
    what happened). Like a maintenance window, it grants the grace of TENDERS.md §3 to
    bid deadlines in the 24 hours after it began (`tenders.grace`)."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.CASCADE, related_name="incidents"
    )
    starts_at = models.DateTimeField(_("started at"))
    ends_at = models.DateTimeField(_("ended at"))
    description = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="incident_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{starts:%Y-%m-%d %H:%M}–{ends:%Y-%m-%d %H:%M} WIB"
