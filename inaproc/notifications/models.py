from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.core.models import TimeStampedModel
from inaproc.portals.models import Portal


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Email(TimeStampedModel):
    """One email to one recipient, rendered when it was asked for.

    The body is erased once the email is sent: it may hold one-time links.
    """

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, null=True, blank=True
    )
    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"), blank=True)
    template = models.CharField(_("template"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["status", "created_at"], name="email_status_idx")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to}"
