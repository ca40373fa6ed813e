from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from inaproc.core.models import fsm_state_fields
from inaproc.files.models import StoredDocumentFields
from inaproc.portals.models import Portal
from inaproc.reference.models import Kbli
from inaproc.reference.regions import Province
from inaproc.tenders.models.choices import (
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    FundingSource,
    ProcurementType,
    QualificationMethod,
    SelectionMethod,
)
from inaproc.tenders.models.officials import Pokja

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Whole rupiah, at most 15 digits (Rp 999 triliun): Decimal, never float.
MONEY_DIGITS = 15


def money_field(verbose_name: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_DIGITS,
        decimal_places=0,
        validators=[MinValueValidator(1)],
    )


class PackageState(models.TextChoices):
    DRAFT = "draft", _("Draft (PPK)")
    ASSIGNED = "assigned", _("With the Pokja or Pejabat Pengadaan")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed (Tender Gagal)")


# States in which the public may read a package (TENDERS.md §5).
PUBLIC_STATES = (PackageState.PUBLISHED, PackageState.CANCELLED, PackageState.FAILED)


class FailureReason(models.TextChoices):
    """Why a tender failed (tender gagal), in SPSE's usual words."""

    FEW_BIDS = "few_bids", _("Fewer bids than required")
    NONE_PASSED = "none_passed", _("No bid passed the evaluation")
    OBJECTION_UPHELD = "objection_upheld", _("An objection was upheld")
    BUDGET_WITHDRAWN = "budget_withdrawn", _("The budget was withdrawn")
    OTHER = "other", _("Other reason")


class PackageQuerySet(models.QuerySet["Package"]):
    def public(self) -> "PackageQuerySet":
        """Published, or cancelled after publication: a package cancelled while still
        with its Pokja was never announced and stays private (issue 18)."""
        return self.filter(state__in=PUBLIC_STATES, published_at__isnull=False)


class Package(ConcurrentTransitionMixin, models.Model):
    """A paket: what is procured and how (TENDERS.md §2), and its tender.

    draft (the PPK edits) -> assigned (the Pokja or Pejabat Pengadaan completes it) ->
    published (with the approval of a quorum of the Pokja) -> cancelled (with a reason)
    or failed (tender gagal, with a reason: then it may be repeated, `repeat_of`).
    The current *stage* is not a state: it follows from the schedule and the clock
    (`tenders.schedule`). The transitions are declared here; only services call them,
    with row locks, audit and email.
    """

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="packages"
    )
    # Public, numeric, unique on the platform; set by `package_create`.
    code = models.BigIntegerField(_("code"), unique=True, null=True, blank=True)
    name = models.CharField(_("package name"), max_length=500)
    description = models.TextField(_("description of the work"), blank=True)
    rup_code = models.CharField(_("RUP code"), max_length=20)
    rup_name = models.CharField(_("RUP name"), max_length=500, blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices
    )
    budget_year = models.PositiveSmallIntegerField(
        _("budget year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    institution = models.CharField(_("institution (K/L/PD)"), max_length=300)
    work_unit = models.CharField(_("work unit (satuan kerja)"), max_length=300)
    procurement_type = models.CharField(
        _("type of procurement"), max_length=30, choices=ProcurementType.choices
    )
    selection_method = models.CharField(
        _("selection method"), max_length=30, choices=SelectionMethod.choices
    )
    qualification_method = models.CharField(
        _("qualification"), max_length=10, choices=QualificationMethod.choices
    )
    document_method = models.CharField(
        _("document method"), max_length=20, choices=DocumentMethod.choices
    )
    evaluation_method = models.CharField(
        _("evaluation method"), max_length=30, choices=EvaluationMethod.choices
    )
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices
    )
    business_qualification = models.CharField(
        _("business qualification"), max_length=20, choices=BusinessQualification.choices
    )
    pagu = money_field(_("budget ceiling (pagu)"))
    hps = money_field(_("owner's estimate (HPS)"))
    qualification_requirements = models.TextField(_("qualification requirements"), blank=True)
    kbli = models.ManyToManyField(
        Kbli, verbose_name=_("required business sectors (KBLI)"), blank=True, related_name="+"
    )
    # The distinct provinces of the work locations (sorted keys), written only with
    # the locations (`services.packages.package_locations_set`): the national search
    # filters a province on the package's own row, in its GIN index, not per location.
    provinces = models.JSONField(
        _("provinces of the work locations"), default=list, db_default=[], editable=False
    )
    # The stage template of `tenders.stages`, chosen from the methods.
    schedule_template = models.CharField(_("schedule template"), max_length=40, blank=True)

    ppk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("PPK"),
        on_delete=models.PROTECT,
        related_name="ppk_packages",
    )
    pokja = models.ForeignKey(
        Pokja,
        verbose_name=_("Pokja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="packages",
    )
    pejabat_pengadaan = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Pejabat Pengadaan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pp_packages",
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
    )

    state = FSMField(
        _("state"),
        max_length=20,
        choices=PackageState.choices,
        default=PackageState.DRAFT,
        protected=True,
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    failure_reason = models.CharField(
        _("reason for the failure"), max_length=20, choices=FailureReason.choices, blank=True
    )
    failure_note = models.TextField(_("explanation of the failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PackageQuerySet.as_manager()

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hps__lte=F("pagu")), name="package_hps_within_pagu"),
            models.CheckConstraint(
                condition=Q(hps__gt=0) & Q(pagu__gt=0), name="package_money_positive"
            ),
            models.CheckConstraint(
                condition=Q(state__in=PackageState.values), name="package_state_valid"
            ),
            models.CheckConstraint(
                condition=~(Q(pokja__isnull=False) & Q(pejabat_pengadaan__isnull=False)),
                name="package_one_runner",
            ),
            models.CheckConstraint(
                condition=Q(state=PackageState.DRAFT)
                | Q(pokja__isnull=False)
                | Q(pejabat_pengadaan__isnull=False),
                name="package_assigned_has_runner",
            ),
        ]
        indexes = [
            models.Index(
                fields=["portal", "state", "-published_at"], name="package_portal_state_idx"
            ),
            # The public list's filters and sorts (tenders 0002; the keyword search has
            # trigram indexes on PostgreSQL there too).
            models.Index(
                "portal",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(state__in=PUBLIC_STATES),
                name="package_public_newest_idx",
            ),
            # Filtered by jenis or by year, newest first: the matches come in order (the
            # year is correlated with the date; scanning all newest first to find an old
            # year's tenders reads the whole portal).
            models.Index(
                "portal",
                "procurement_type",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(state__in=PUBLIC_STATES),
                name="package_public_type_idx",
            ),
            models.Index(
                "portal",
                "budget_year",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(state__in=PUBLIC_STATES),
                name="package_public_year_idx",
            ),
            models.Index(fields=["portal", "selection_method"], name="package_portal_method_idx"),
            models.Index(fields=["portal", "hps"], name="package_portal_hps_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def state_fields(self) -> tuple[FSMFieldMixin, ...]:
        return fsm_state_fields(type(self))

    @property
    def is_repeat(self) -> bool:
        """Shown with SPSE's "Tender Ulang" label."""
        return self.repeat_of_id is not None

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES and self.published_at is not None

    @transition(field=state, source=PackageState.DRAFT, target=PackageState.ASSIGNED)
    def assign(self, *, at) -> None:
        self.assigned_at = at

    @transition(field=state, source=PackageState.ASSIGNED, target=PackageState.DRAFT)
    def return_to_ppk(self) -> None:
        self.assigned_at = None

    @transition(field=state, source=PackageState.ASSIGNED, target=PackageState.PUBLISHED)
    def publish(self, *, at) -> None:
        self.published_at = at

    @transition(
        field=state,
        source=(PackageState.ASSIGNED, PackageState.PUBLISHED),
        target=PackageState.CANCELLED,
    )
    def cancel(self, *, at, reason: str) -> None:
        self.cancelled_at = at
        self.cancel_reason = reason

    @transition(field=state, source=PackageState.PUBLISHED, target=PackageState.FAILED)
    def fail(self, *, at, reason: str, note: str) -> None:
        self.failed_at = at
        self.failure_reason = reason
        self.failure_note = note


class PackageLocation(models.Model):
    """Lokasi pekerjaan: one province / city pair of a package."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="locations")
    province = models.CharField(_("province"), max_length=40, choices=Province.choices)
    city = models.CharField(_("city or regency"), max_length=100)

    class Meta:
        verbose_name = _("work location")
        verbose_name_plural = _("work locations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "province", "city"], name="package_location_unique"
            )
        ]
        indexes = [models.Index(fields=["province"], name="package_location_province_idx")]

    def __str__(self) -> str:
        return f"{self.city}, {self.get_province_display()}"


class TenderDocumentKind(models.TextChoices):
    DOKUMEN_PEMILIHAN = "dokumen_pemilihan", _("Dokumen Pemilihan")
    DOKUMEN_KUALIFIKASI = "dokumen_kualifikasi", _("Dokumen Kualifikasi")
    ADDENDUM = "addendum", _("Adendum Dokumen Pemilihan")


class TenderDocument(StoredDocumentFields):
    """A tender document (PDF) or an addendum. Versioned per package and never
    overwritten: a new version is a new row; the old one stays readable."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="documents")
    version = models.PositiveIntegerField(_("version"))
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "version"], name="tender_document_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TenderDocumentKind.values), name="tender_document_kind_valid"
            ),
        ]
