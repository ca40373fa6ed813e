"""The award letter (SPPBJ, Surat Penunjukan Penyedia Barang/Jasa) the PPK issues to the
announced winner once objections allow it, and the contract the PPK records after it.
One of each per package; their numbers are unique within a portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.files.models import StoredDocumentFields
from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, Participation

NUMBER_MAX_LENGTH = 100


class AwardLetter(StoredDocumentFields):
    """The SPPBJ: its number and date, the winner and price it names, and its generated
    PDF (a private document: the PPK, the package's Pokja and the winner's users)."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="award_letter")
    winner = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("letter number"), max_length=NUMBER_MAX_LENGTH)
    letter_date = models.DateField(_("letter date"))
    price = models.DecimalField(_("price"), max_digits=17, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award letter (SPPBJ)")
        verbose_name_plural = _("award letters (SPPBJ)")
        constraints = [
            models.UniqueConstraint(fields=["portal", "number"], name="award_letter_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Contract(models.Model):
    """The signed contract as the PPK records it. A value above the HPS or the pagu is
    accepted only with a written justification, kept here and shown."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="contract")
    award_letter = models.OneToOneField(
        AwardLetter, on_delete=models.PROTECT, related_name="contract"
    )
    number = models.CharField(_("contract number"), max_length=NUMBER_MAX_LENGTH)
    signed_on = models.DateField(_("contract date"))
    value = models.DecimalField(_("contract value"), max_digits=17, decimal_places=2)
    justification = models.TextField(
        _("justification of a value above the HPS or pagu"), blank=True
    )
    ppk_name = models.CharField(_("PPK's name"), max_length=200)
    ppk_position = models.CharField(_("PPK's position"), max_length=200)
    vendor_signatory_name = models.CharField(_("vendor signatory's name"), max_length=200)
    vendor_signatory_position = models.CharField(_("vendor signatory's position"), max_length=200)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    duration_days = models.PositiveIntegerField(_("duration (calendar days)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["portal", "number"], name="contract_number_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="contract_value_positive"),
        ]

    def __str__(self) -> str:
        return self.number
