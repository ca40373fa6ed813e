from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.core.models import TimeStampedModel
from inaproc.portals.models import Portal
from inaproc.reference.models import Kbli
from inaproc.reference.regions import Province


class LegalForm(models.TextChoices):
    PT = "pt", _("Limited liability company (PT)")
    CV = "cv", _("Limited partnership (CV)")
    FIRMA = "firma", _("General partnership (Firma)")
    KOPERASI = "koperasi", _("Cooperative (Koperasi)")
    YAYASAN = "yayasan", _("Foundation (Yayasan)")
    BUMN_BUMD = "bumn_bumd", _("State- or region-owned enterprise (BUMN/BUMD)")
    PERORANGAN = "perorangan", _("Sole proprietorship (Perorangan)")
    OTHER = "lainnya", _("Other")


class CompanyRole(models.TextChoices):
    ADMIN = "admin", _("Company administrator")
    BID_PREPARER = "bid_preparer", _("Bid preparer")
    VIEWER = "viewer", _("Viewer")


class Company(TimeStampedModel):
    """A vendor company on one portal. The same NPWP may be a company on several portals;
    on one portal it is unique."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="companies"
    )
    name = models.CharField(_("company name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    # Normalised: 16 digits (see core.identity.npwp_normalize).
    npwp = models.CharField(_("NPWP"), max_length=16)
    nib = models.CharField(_("NIB"), max_length=13)
    province = models.CharField(_("province"), max_length=40, choices=Province.choices)
    city = models.CharField(_("city or regency"), max_length=100)
    street = models.CharField(_("street address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=5)
    # E.164 (+62…).
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("company email"))
    representative_name = models.CharField(_("representative's name"), max_length=200)
    representative_nik = models.CharField(_("representative's NIK"), max_length=16)
    representative_position = models.CharField(_("representative's position"), max_length=100)
    sectors = models.ManyToManyField(
        Kbli, verbose_name=_("business sectors (KBLI)"), related_name="companies"
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["portal", "npwp"], name="company_npwp_unique_per_portal"
            ),
            models.CheckConstraint(
                condition=Q(legal_form__in=LegalForm.values), name="company_legal_form_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyMember(models.Model):
    """An account acting for a company. Every account belongs to at most one company."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="company_membership",
    )
    role = models.CharField(
        _("company role"), max_length=20, choices=CompanyRole.choices, default=CompanyRole.ADMIN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A suspended member's account is also inactive (so it cannot sign in); this field
    # says why and since when.
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=CompanyRole.values), name="company_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"
