from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.tenders.models.packages import Package


class Invitation(models.Model):
    """A company invited by the Pejabat Pengadaan to a non-tender package (Pengadaan
    Langsung, Penunjukan Langsung): only invited companies may join it. Withdrawn
    (before the company joined) the row is deleted; the audit keeps both."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="invitations")
    company = models.ForeignKey(
        "vendors.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation to a non-tender package")
        verbose_name_plural = _("invitations to non-tender packages")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "company"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.company_id}"
