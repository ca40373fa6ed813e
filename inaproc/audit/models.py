from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class AuditEventQuerySet(models.QuerySet):
    def for_portal(self, portal: Portal) -> "AuditEventQuerySet":
        return self.filter(portal=portal)


class AuditEvent(models.Model):
    """Who did what to whom, when and why. Rows are only ever added."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text so the record still reads after the actor or target is gone.
    actor_label = models.CharField(_("actor"), max_length=200)
    verb = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["portal", "-created_at"], name="audit_portal_time_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb}"
