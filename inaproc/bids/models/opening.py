"""The opening of an envelope: the members' shares, then per bid and per file what
opened and what did not, with the evidence."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inaproc.bids.models.bids import BidVersion, SealedFile
from inaproc.bids.models.keys import TenderKey
from inaproc.tenders.models.packages import MONEY_DIGITS


class OpeningShare(models.Model):
    """A member's decrypted share, sent from the member's browser after the deadline."""

    tender_key = models.ForeignKey(
        TenderKey, on_delete=models.CASCADE, related_name="opening_shares"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    share = models.BinaryField(max_length=64)
    submitted_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opening share")
        verbose_name_plural = _("opening shares")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender_key", "member"], name="opening_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.tender_key_id} · {self.member_id}"


class OpeningStatus(models.TextChoices):
    OPENED = "opened", pgettext_lazy("a sealed bid", "Opened")
    FAILED = "failed", pgettext_lazy("a sealed bid", "Could not be opened")


class OpenedFile(models.Model):
    """What opening one sealed file gave: the plain file, kept as a private document of
    the tender, or the reason it did not open."""

    tender_key = models.ForeignKey(TenderKey, on_delete=models.PROTECT, related_name="+")
    sealed_file = models.ForeignKey(SealedFile, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("result"), max_length=10, choices=OpeningStatus.choices)
    error_code = models.CharField(max_length=30, blank=True)
    stored_name = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opened file")
        verbose_name_plural = _("opened files")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender_key", "sealed_file"], name="opened_file_once")
        ]

    def __str__(self) -> str:
        return f"{self.sealed_file_id} · {self.status}"


class BidOpening(models.Model):
    """The opening of one bid's envelope: opened when every file of it opened, with the
    offer of the bid letter where the envelope holds it."""

    tender_key = models.ForeignKey(TenderKey, on_delete=models.PROTECT, related_name="openings")
    bid_version = models.ForeignKey(BidVersion, on_delete=models.PROTECT, related_name="openings")
    status = models.CharField(_("result"), max_length=10, choices=OpeningStatus.choices)
    offer_price = models.DecimalField(
        _("offer price"), max_digits=MONEY_DIGITS, decimal_places=0, null=True, blank=True
    )
    validity_days = models.PositiveIntegerField(_("validity (days)"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bid opening")
        verbose_name_plural = _("bid openings")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender_key", "bid_version"], name="bid_opening_once")
        ]

    def __str__(self) -> str:
        return f"{self.bid_version_id} · {self.status}"
