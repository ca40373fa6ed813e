"""The rules a package's fields must follow together (TENDERS.md §2), and its public code.

Valid combinations (each violation is reported next to the field named first):

=============================  =======================================================
Field                          Allowed
=============================  =======================================================
selection_method Tender,       Pengadaan Barang, Pekerjaan Konstruksi, Jasa Lainnya
Tender Cepat                   (not consultancy)
selection_method Seleksi       the consultancy types: Jasa Konsultansi Badan Usaha
                               (Non Konstruksi / Konstruksi), Jasa Konsultansi
                               Perorangan
selection_method Pengadaan     every type; run by a Pejabat Pengadaan (the tender
Langsung, Penunjukan Langsung  methods are run by a Pokja)
evaluation_method Harga        not consultancy (goods, construction, other services)
Terendah, Sistem Nilai,
Umur Ekonomis
evaluation_method Kualitas     consultancy types only
dan Biaya, Kualitas, Pagu
Anggaran, Biaya Terendah
Tender Cepat                   Pascakualifikasi, Satu File, Harga Terendah (a quick
                               tender compares prices only)
contract_type Waktu            consultancy types only
Penugasan
business_qualification         Jasa Konsultansi Perorangan only, and that type needs it
Perorangan                     (an individual consultant is not a business)
qualification + document       a schedule template must exist (`stages.template_for`):
method                         Pascakualifikasi Satu File, Prakualifikasi Dua File; the
                               non-tender methods use the Pengadaan Langsung template
hps                            at most the pagu
=============================  =======================================================
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from inaproc.tenders.models.choices import (
    CONSULTANCY_TYPES,
    NON_TENDER_METHODS,
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    ProcurementType,
    QualificationMethod,
    SelectionMethod,
)
from inaproc.tenders.stages import template_for

CONSULTANCY_EVALUATIONS = frozenset(
    {
        EvaluationMethod.KUALITAS_DAN_BIAYA,
        EvaluationMethod.KUALITAS,
        EvaluationMethod.PAGU_ANGGARAN,
        EvaluationMethod.BIAYA_TERENDAH,
    }
)
TENDER_METHODS = frozenset({SelectionMethod.TENDER, SelectionMethod.TENDER_CEPAT})

# The public code: (CODE_BASE + pk) * 1000 + the portal's number modulo 1000.
CODE_BASE = 10_000


def package_public_code(*, package_pk: int, portal_pk: int) -> int:
    """A package's public numeric code, SPSE style: it ends in the 3-digit number of
    its LPSE (the portal's pk modulo 1000) after a running number (10 000 + the package's
    pk), e.g. package 5 on portal 3 is `10005003`. Unique on the platform because the
    package's pk is; never reused; assigned by `package_create` inside its transaction."""
    return (CODE_BASE + package_pk) * 1000 + portal_pk % 1000


def is_tender_method(selection_method: str) -> bool:
    """Run by a Pokja (True) or by a Pejabat Pengadaan (False)."""
    return selection_method not in NON_TENDER_METHODS


@dataclass
class _Methods:
    selection_method: str
    qualification_method: str
    document_method: str


def _label(choices, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def package_rule_errors(values: Mapping[str, object]) -> dict[str, list[str]]:
    """The violations of the table above in a package's `values` (field name -> value,
    as a form's cleaned data): field name -> messages. Fields missing from `values` (not
    valid on their own) are not checked."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = values.get("procurement_type")
    selection = values.get("selection_method")
    evaluation = values.get("evaluation_method")
    consultancy = kind in CONSULTANCY_TYPES
    kind_label = _label(ProcurementType, kind) if kind else ""

    if kind and selection:
        if selection == SelectionMethod.SELEKSI and not consultancy:
            add(
                "selection_method",
                _("Seleksi is for consultancy only; %(type)s uses Tender or Tender Cepat.")
                % {"type": kind_label},
            )
        if selection in TENDER_METHODS and consultancy:
            add(
                "selection_method",
                _("%(type)s is selected by Seleksi, not by %(method)s.")
                % {"type": kind_label, "method": _label(SelectionMethod, selection)},
            )
    if kind and evaluation:
        if evaluation in CONSULTANCY_EVALUATIONS and not consultancy:
            add(
                "evaluation_method",
                _("%(method)s is an evaluation method for consultancy, not for %(type)s.")
                % {"method": _label(EvaluationMethod, evaluation), "type": kind_label},
            )
        if evaluation not in CONSULTANCY_EVALUATIONS and consultancy:
            add(
                "evaluation_method",
                _(
                    "Consultancy is evaluated by Kualitas dan Biaya, Kualitas, Pagu Anggaran "
                    "or Biaya Terendah."
                ),
            )
    _tender_cepat_errors(values, add)
    _contract_and_qualification_errors(values, add)
    _template_errors(values, add)
    pagu, hps = values.get("pagu"), values.get("hps")
    if isinstance(pagu, Decimal) and isinstance(hps, Decimal) and hps > pagu:
        add("hps", _("The HPS may not be above the pagu."))
    return errors


def _tender_cepat_errors(values: Mapping[str, object], add) -> None:
    if values.get("selection_method") != SelectionMethod.TENDER_CEPAT:
        return
    if values.get("qualification_method") not in (None, QualificationMethod.PASCAKUALIFIKASI):
        add("qualification_method", _("Tender Cepat is Pascakualifikasi."))
    if values.get("document_method") not in (None, DocumentMethod.SATU_FILE):
        add("document_method", _("Tender Cepat is Satu File."))
    if values.get("evaluation_method") not in (None, EvaluationMethod.HARGA_TERENDAH):
        add("evaluation_method", _("Tender Cepat is evaluated by Harga Terendah Sistem Gugur."))


def _contract_and_qualification_errors(values: Mapping[str, object], add) -> None:
    kind = values.get("procurement_type")
    if not kind:
        return
    if (
        values.get("contract_type") == ContractType.WAKTU_PENUGASAN
        and kind not in CONSULTANCY_TYPES
    ):
        add("contract_type", _("Waktu Penugasan is a contract type for consultancy only."))
    qualification = values.get("business_qualification")
    individual = kind == ProcurementType.KONSULTANSI_PERORANGAN
    if qualification == BusinessQualification.PERORANGAN and not individual:
        add(
            "business_qualification",
            _("Perorangan is only for Jasa Konsultansi Perorangan."),
        )
    if qualification and qualification != BusinessQualification.PERORANGAN and individual:
        add(
            "business_qualification",
            _("Jasa Konsultansi Perorangan is for individuals: choose Perorangan."),
        )


def _template_errors(values: Mapping[str, object], add) -> None:
    names = ("selection_method", "qualification_method", "document_method")
    if not all(values.get(name) for name in names):
        return
    methods = _Methods(*(str(values[name]) for name in names))
    if template_for(methods) is None:
        add(
            "document_method",
            _(
                "There is no schedule for %(qualification)s with %(document)s; choose "
                "Pascakualifikasi with Satu File or Prakualifikasi with Dua File."
            )
            % {
                "qualification": _label(QualificationMethod, methods.qualification_method),
                "document": _label(DocumentMethod, methods.document_method),
            },
        )
