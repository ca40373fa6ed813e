"""Second factors besides the TOTP device (django-otp's `TOTPDevice`): recovery codes,
passkeys and remembered browsers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecoveryCode(models.Model):
    """One single-use recovery code. Only a keyed hash is stored: the codes are shown once,
    when made. Making new ones deletes the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


class Passkey(models.Model):
    """A WebAuthn credential registered by the user on one portal (the relying party is
    that portal's host)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(_("name"), max_length=100)
    credential_id = models.BinaryField(unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    rp_id = models.CharField(max_length=253)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class RememberedBrowser(models.Model):
    """A browser whose owner ticked "remember this browser" after a second factor: it is
    not asked for the factor again until `expires_at`. The cookie carries the id and a
    random token; only the token's hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remembered_browsers"
    )
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    browser = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("remembered browser")
        verbose_name_plural = _("remembered browsers")

    def __str__(self) -> str:
        return f"browser of {self.user_id} until {self.expires_at:%Y-%m-%d}"
