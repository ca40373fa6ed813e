from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.vendors.models.companies import CompanyRole


class CompanyInvitation(models.Model):
    """An invitation, by email, to become a user of a company on its portal with a role.
    The invitee chooses a username and password through the emailed single-use link."""

    company = models.ForeignKey(
        "vendors.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("company role"), max_length=20, choices=CompanyRole.choices)
    # Keyed hash of the link's token; the token itself is only in the email.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company invitation")
        verbose_name_plural = _("company invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.email
