from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal
from inaproc.tenders.models import Package

# A vendor keeps at most this many saved searches (each is checked on every alert run).
SAVED_SEARCH_LIMIT = 20


class SavedSearch(models.Model):
    """A national search a vendor of `portal` keeps, to get an email when tenders
    matching it are published (on any portal of the platform). `filters` is
    `filters.SearchFilters.to_json()`."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Tenders published before this moment are not news to the vendor.
    alerts_since = models.DateTimeField(_("alerts for tenders published since"))

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SavedSearchAlert(models.Model):
    """A tender a saved search has alerted its vendor of: each tender once per search."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerts")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved search alert")
        verbose_name_plural = _("saved search alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "package"], name="saved_search_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}:{self.package_id}"
