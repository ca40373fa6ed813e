from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class Pokja(models.Model):
    """A Kelompok Kerja Pemilihan: named, an odd number of members (at least three), one
    chair. Publishing a tender (and, later, opening its bids) needs `quorum` of them."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="pokjas"
    )
    name = models.CharField(_("name"), max_length=200)
    # None: a majority of the members.
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Pokja")
        verbose_name_plural = _("Pokja")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["portal", "name"], name="pokja_name_unique_per_portal")
        ]

    def __str__(self) -> str:
        return self.name


class PokjaMember(models.Model):
    pokja = models.ForeignKey(Pokja, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="pokja_memberships",
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Pokja member")
        verbose_name_plural = _("Pokja members")
        ordering = ["-is_chair", "user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pokja", "user"], name="pokja_member_unique"),
            models.UniqueConstraint(
                fields=["pokja"], condition=Q(is_chair=True), name="pokja_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pokja} · {self.user}"


class TenderSettings(models.Model):
    """A portal's own tender rules, set by its administrator: the grace margin added to
    an outage before a bid deadline and the minimum length of stages (TENDERS.md §3)."""

    portal = models.OneToOneField(
        Portal, on_delete=models.CASCADE, related_name="tender_settings", primary_key=True
    )
    outage_grace_margin_minutes = models.PositiveIntegerField(
        _("margin added to an outage before a bid deadline (minutes)"), default=120
    )
    # Stage key -> minimum length in whole days; keys of `tenders.stages`.
    minimum_stage_days = models.JSONField(_("minimum stage lengths (days)"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tender settings")
        verbose_name_plural = _("tender settings")

    def __str__(self) -> str:
        return str(self.portal)
