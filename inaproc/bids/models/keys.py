"""Opening keys of the officials and the tender keys of each envelope (docs/sealed-bids.md).

Only public keys and wrapped shares are stored before the opening: the private half of an
opening key lives in its owner's passphrase-protected key file, and a tender's private key
exists nowhere until k members have sent their shares after the bid deadline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal
from inaproc.tenders.models import Package


class OpeningKey(models.Model):
    """A Pokja member's (or Pejabat Pengadaan's) personal opening key: its public half."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opening_keys"
    )
    public_key = models.BinaryField(max_length=65)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A replaced key keeps opening the tenders published before it was replaced.
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening key")
        verbose_name_plural = _("opening keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(replaced_at__isnull=True),
                name="opening_key_one_current",
            )
        ]

    def __str__(self) -> str:
        return self.fingerprint[:16]


class TenderKey(models.Model):
    """The key pair of one sealed envelope of a tender. The private scalar is stored
    only after the opening, when it is published."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="tender_keys")
    envelope = models.PositiveSmallIntegerField(_("envelope"))
    public_key = models.BinaryField(max_length=65)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    threshold = models.PositiveSmallIntegerField(_("shares needed"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    private_scalar = models.BinaryField(max_length=32, null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tender key")
        verbose_name_plural = _("tender keys")
        ordering = ["package", "envelope"]
        constraints = [
            models.UniqueConstraint(fields=["package", "envelope"], name="tender_key_per_envelope")
        ]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.envelope}"


class KeyShare(models.Model):
    """One member's Shamir share of a tender private key, wrapped (ECIES) for the
    member's opening key: only that member's key file unwraps it."""

    tender_key = models.ForeignKey(TenderKey, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opening_key = models.ForeignKey(OpeningKey, on_delete=models.PROTECT, related_name="+")
    ephemeral_key = models.BinaryField(max_length=65)
    ciphertext = models.BinaryField(max_length=64)

    class Meta:
        verbose_name = _("key share")
        verbose_name_plural = _("key shares")
        constraints = [
            models.UniqueConstraint(fields=["tender_key", "member"], name="key_share_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.tender_key_id} · {self.member_id}"
