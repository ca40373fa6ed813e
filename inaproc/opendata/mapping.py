"""How a tender becomes an OCDS 1.1.5 release (docs/open-data.md, "The mapping"): plain
functions of the package's current public state. Every release is a full snapshot of
what is public at that moment; the event only decides the tags, the date and the
amendment it carries.

Labels are SPSE's Indonesian words whatever the request's language (the data is the same
for every reader)."""

import hashlib
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from inaproc.award.selectors import public_contract, winner_price
from inaproc.bids.models import BidOpening
from inaproc.evaluation.models import Announcement, AnnouncementKind
from inaproc.evaluation.selectors.public import announced_result
from inaproc.portals.models import Portal
from inaproc.tenders import stages as tender_stages
from inaproc.tenders.links import public_tender_link
from inaproc.tenders.models import (
    EvaluationMethod,
    Package,
    PackageState,
    ProcurementType,
    QualificationMethod,
    ScheduleStage,
    SelectionMethod,
    TenderDocument,
    TenderDocumentKind,
)

CURRENCY = "IDR"
JAKARTA = ZoneInfo("Asia/Jakarta")
LANGUAGE = "id"

# SPSE's methods to OCDS `procurementMethod` (closed codelist `method`). A tender with
# prakualifikasi admits only the firms that passed it: selective.
_METHOD = {
    SelectionMethod.TENDER: "open",
    SelectionMethod.TENDER_CEPAT: "open",
    SelectionMethod.SELEKSI: "open",
    SelectionMethod.PENGADAAN_LANGSUNG: "direct",
    SelectionMethod.PENUNJUKAN_LANGSUNG: "direct",
}
# Jenis pengadaan to `mainProcurementCategory` (closed `procurementCategory`) and, for
# consultancy, `additionalProcurementCategories` (closed `extendedProcurementCategory`).
_CATEGORY = {
    ProcurementType.BARANG: "goods",
    ProcurementType.KONSTRUKSI: "works",
    ProcurementType.KONSULTANSI_BU_NONKONSTRUKSI: "services",
    ProcurementType.KONSULTANSI_BU_KONSTRUKSI: "services",
    ProcurementType.KONSULTANSI_PERORANGAN: "services",
    ProcurementType.JASA_LAINNYA: "services",
}
_CONSULTING = {
    ProcurementType.KONSULTANSI_BU_NONKONSTRUKSI,
    ProcurementType.KONSULTANSI_BU_KONSTRUKSI,
    ProcurementType.KONSULTANSI_PERORANGAN,
}
# Metode evaluasi to `awardCriteria` (closed `awardCriteria`).
_AWARD_CRITERIA = {
    EvaluationMethod.HARGA_TERENDAH: "priceOnly",
    EvaluationMethod.BIAYA_TERENDAH: "costOnly",
    EvaluationMethod.UMUR_EKONOMIS: "costOnly",
    EvaluationMethod.KUALITAS: "qualityOnly",
    EvaluationMethod.SISTEM_NILAI: "ratedCriteria",
    EvaluationMethod.KUALITAS_DAN_BIAYA: "ratedCriteria",
    EvaluationMethod.PAGU_ANGGARAN: "ratedCriteria",
}
_DOCUMENT_TYPE = {
    TenderDocumentKind.DOKUMEN_PEMILIHAN: "biddingDocuments",
    TenderDocumentKind.DOKUMEN_KUALIFIKASI: "eligibilityCriteria",
    TenderDocumentKind.ADDENDUM: "biddingDocuments",
}


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a 'Z', to the second (RFC 3339, as the schema's format)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ocid_for(portal: Portal, code: int | None) -> str:
    """`<OCDS_OCID_PREFIX>-<portal slug>-<tender code>`: unique on the platform and stable."""
    return f"{settings.OCDS_OCID_PREFIX}-{portal.slug}-{code}"


def money(amount: Any) -> dict[str, Any]:
    return {"amount": int(amount), "currency": CURRENCY}


def npwp_party_id(npwp: str) -> str:
    return f"{settings.OCDS_NPWP_SCHEME}-{npwp}"


def _buyer(package: Package) -> dict[str, Any]:
    """The work unit (satuan kerja) of the institution whose budget pays."""
    key = f"{package.institution}\n{package.work_unit}".encode()
    return {
        "id": f"satker-{hashlib.sha256(key).hexdigest()[:16]}",
        "name": f"{package.work_unit} — {package.institution}",
    }


def _procuring_entity(portal: Portal) -> dict[str, Any]:
    """The procurement service unit (UKPBJ) that runs the portal and its Pokja."""
    return {"id": f"ukpbj-{portal.slug}", "name": portal.institution or portal.name}


def tenderers_of(package: Package) -> list[dict[str, Any]]:
    """The firms whose bids were in an opened envelope (public from the opening on:
    the opening record names them), once each, in the order of their first opening."""
    seen: dict[str, dict[str, Any]] = {}
    openings = (
        BidOpening.objects.filter(tender_key__package=package, tender_key__opened_at__isnull=False)
        .select_related("bid_version__participation__company")
        .order_by("tender_key__envelope", "pk")
    )
    for opening in openings:
        company = opening.bid_version.participation.company
        seen.setdefault(company.npwp, {"npwp": company.npwp, "name": company.name})
    return list(seen.values())


def _parties(
    package: Package, tenderers: list[dict[str, Any]], supplier: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The buyer, the procuring entity, the tenderers; the announced winner also as
    `supplier` (added as a party of its own if it is not among the tenderers)."""
    if supplier is not None and all(firm["npwp"] != supplier["npwp"] for firm in tenderers):
        tenderers = [*tenderers, {**supplier, "supplier_only": True}]
    parties = [
        {**_buyer(package), "roles": ["buyer"]},
        {**_procuring_entity(package.portal), "roles": ["procuringEntity"]},
    ]
    for firm in tenderers:
        parties.append(
            {
                "id": npwp_party_id(firm["npwp"]),
                "name": firm["name"],
                "identifier": {
                    "scheme": settings.OCDS_NPWP_SCHEME,
                    "id": firm["npwp"],
                    "legalName": firm["name"],
                },
                "address": {"countryName": "Indonesia"},
                "roles": [
                    *([] if firm.get("supplier_only") else ["tenderer"]),
                    *(
                        ["supplier"]
                        if supplier is not None and firm["npwp"] == supplier["npwp"]
                        else []
                    ),
                ],
            }
        )
    return parties


def _withdrawn_awards(package: Package) -> list[dict[str, Any]]:
    """Winner announcements withdrawn by a reopened evaluation: their awards, cancelled
    (so that a compiled record no longer shows them active)."""
    withdrawn = Announcement.objects.filter(
        evaluation__package=package,
        kind=AnnouncementKind.WINNER,
        withdrawn_at__isnull=False,
        winner__isnull=False,
    ).select_related("winner__company")
    ocid = ocid_for(package.portal, package.code)
    awards = []
    for announcement in withdrawn:
        if announcement.winner is None:
            continue
        company = announcement.winner.company
        awards.append(
            {
                "id": f"{ocid}-award-{announcement.pk}",
                "status": "cancelled",
                "date": iso(announcement.announced_at),
                "suppliers": [{"id": npwp_party_id(company.npwp), "name": company.name}],
            }
        )
    return awards


def _award(package: Package) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The OCDS award of the standing winner announcement (ADR 0013: `awards[]`, the
    supplier by NPWP, the corrected or negotiated price in IDR) and the supplier; (None,
    None) before the announcement."""
    result = announced_result(package)
    if result is None:
        return None, None
    company = result.winner.company
    supplier = {"npwp": company.npwp, "name": company.name}
    award: dict[str, Any] = {
        "id": f"{ocid_for(package.portal, package.code)}-award-{result.announcement.pk}",
        "status": "active",
        "date": iso(result.announced_at),
        "suppliers": [{"id": npwp_party_id(company.npwp), "name": company.name}],
    }
    price = winner_price(package)
    if price is not None:
        award["value"] = money(price)
    return award, supplier


def _contracts(package: Package, award: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The recorded contract (inaproc.award) as OCDS `contracts[]`: its award, value,
    period and signing date."""
    contract = public_contract(package)
    if contract is None or award is None:
        return []
    return [
        {
            "id": f"{ocid_for(package.portal, package.code)}-contract-{contract.number}",
            "awardID": award["id"],
            "title": f"Kontrak {contract.number}",
            "status": "active",
            "value": money(contract.value),
            "period": {
                "startDate": iso(_day_start(contract.starts_on)),
                "endDate": iso(_day_start(contract.ends_on)),
                "durationInDays": contract.duration_days,
            },
            "dateSigned": iso(_day_start(contract.signed_on)),
        }
    ]


def _day_start(day: date) -> datetime:
    """Midnight WIB of a calendar date (contract dates are dates in Jakarta)."""
    return datetime.combine(day, time.min, tzinfo=JAKARTA)


def _period(stage: ScheduleStage | None) -> dict[str, str] | None:
    if stage is None:
        return None
    return {"startDate": iso(stage.starts_at), "endDate": iso(stage.ends_at)}


def _milestones(stage_list: list[ScheduleStage]) -> list[dict[str, Any]]:
    return [
        {
            "id": stage.key,
            "code": stage.key,
            "title": tender_stages.STAGE_NAMES.get(stage.key, stage.key),
            "description": f"{iso(stage.starts_at)} – {iso(stage.ends_at)}",
            "dueDate": iso(stage.ends_at),
        }
        for stage in stage_list
    ]


def _documents(package: Package, opened: bool, until: datetime | None) -> list[dict[str, Any]]:
    """The announcement page, then the tender documents as the public page lists them:
    title, date, note and format, but no file address (the files are handed to the
    participants only), then after the opening the public participants page."""
    announcement = public_tender_link(package.portal, package.code)
    documents: list[dict[str, Any]] = [
        {
            "id": "pengumuman",
            "documentType": "tenderNotice",
            "title": f"Pengumuman {package.name}",
            "url": announcement,
            "format": "text/html",
            "language": LANGUAGE,
            "datePublished": iso(package.published_at or package.created_at),
        }
    ]
    files = TenderDocument.objects.filter(package=package).order_by("version")
    if until is not None:
        files = files.filter(uploaded_at__lte=until)
    for document in files:
        kind_label = str(TenderDocumentKind(document.kind).label)
        entry: dict[str, Any] = {
            "id": f"dokumen-{document.version}",
            "documentType": _DOCUMENT_TYPE[TenderDocumentKind(document.kind)],
            "title": f"{kind_label} (versi {document.version})",
            "format": document.content_type or "application/pdf",
            "language": LANGUAGE,
            "datePublished": iso(document.uploaded_at),
        }
        if document.note:
            entry["description"] = document.note
        documents.append(entry)
    if opened:
        documents.append(
            {
                "id": "peserta",
                "documentType": "bidders",
                "title": "Peserta dan hasil pembukaan penawaran",
                "url": public_tender_link(package.portal, package.code).rstrip("/") + "/peserta/",
                "format": "text/html",
                "language": LANGUAGE,
            }
        )
    return documents


def _method_details(package: Package) -> str:
    parts = [package.get_selection_method_display()]
    if package.selection_method in (SelectionMethod.TENDER, SelectionMethod.SELEKSI):
        parts.append(package.get_qualification_method_display())
        parts.append(package.get_document_method_display())
    parts.append(package.get_procurement_type_display())
    return " · ".join(str(part) for part in parts)


def procurement_method(package: Package) -> str:
    method = _METHOD[SelectionMethod(package.selection_method)]
    if method == "open" and package.qualification_method == QualificationMethod.PRAKUALIFIKASI:
        return "selective"
    return method


def _tender(
    package: Package,
    *,
    status: str,
    tenderers: list[dict[str, Any]],
    documents_until: datetime | None,
) -> dict[str, Any]:
    stage_list = list(ScheduleStage.objects.filter(package=package).order_by("position"))
    by_key = {stage.key: stage for stage in stage_list}
    procurement_type = ProcurementType(package.procurement_type)
    tender: dict[str, Any] = {
        "id": str(package.code),
        "title": package.name,
        "status": status,
        "procuringEntity": _procuring_entity(package.portal),
        "value": money(package.hps),
        "procurementMethod": procurement_method(package),
        "procurementMethodDetails": _method_details(package),
        "mainProcurementCategory": _CATEGORY[procurement_type],
        "awardCriteria": _AWARD_CRITERIA[EvaluationMethod(package.evaluation_method)],
        "awardCriteriaDetails": str(package.get_evaluation_method_display()),
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": "SPSE: dokumen penawaran terenkripsi diunggah ke portal",
        "documents": _documents(package, opened=bool(tenderers), until=documents_until),
        "milestones": _milestones(stage_list),
    }
    if package.description:
        tender["description"] = package.description
    if procurement_type in _CONSULTING:
        tender["additionalProcurementCategories"] = ["consultingServices"]
    if package.qualification_requirements:
        tender["eligibilityCriteria"] = package.qualification_requirements
    periods = {
        "tenderPeriod": by_key.get(tender_stages.BID_UPLOAD),
        "enquiryPeriod": by_key.get(tender_stages.CLARIFICATION),
        "awardPeriod": by_key.get("penetapan_pemenang"),
    }
    for name, stage in periods.items():
        period = _period(stage)
        if period is not None:
            tender[name] = period
    if tenderers:
        tender["numberOfTenderers"] = len(tenderers)
        tender["tenderers"] = [
            {"id": npwp_party_id(firm["npwp"]), "name": firm["name"]} for firm in tenderers
        ]
    return tender


def _planning(package: Package) -> dict[str, Any]:
    """The RUP line (Rencana Umum Pengadaan) the package comes from."""
    budget: dict[str, Any] = {
        "id": package.rup_code,
        "description": (
            f"Pagu {package.get_funding_source_display()} tahun anggaran {package.budget_year}"
        ),
        "amount": money(package.pagu),
        "projectID": package.rup_code,
    }
    if package.rup_name:
        budget["project"] = package.rup_name
    return {"budget": budget}


def release_build(
    package: Package,
    *,
    release_id: str,
    tags: list[str],
    date: datetime,
    as_published: bool = False,
    amendment: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The release of `package` as it stands now; with `as_published`, as it stood when
    published as far as the data tells (the backfill of a tender published before open
    data: active, no tenderers, the documents of its publication)."""
    with translation.override(LANGUAGE):
        tenderers = [] if as_published else tenderers_of(package)
        status = "active"
        if not as_published and package.state == PackageState.CANCELLED:
            status = "cancelled"
        elif not as_published and package.state == PackageState.FAILED:
            status = "unsuccessful"  # tender gagal (OCDS tenderStatus codelist)
        tender = _tender(
            package,
            status=status,
            tenderers=tenderers,
            documents_until=package.published_at if as_published else None,
        )
        if amendment is not None:
            tender["amendments"] = [amendment]
        award, supplier = (None, None) if as_published else _award(package)
        release: dict[str, Any] = {
            "ocid": ocid_for(package.portal, package.code),
            "id": release_id,
            "date": iso(date),
            "tag": tags,
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": _parties(package, tenderers, supplier),
            "buyer": _buyer(package),
            "planning": _planning(package),
            "tender": tender,
        }
        awards = [] if as_published else _withdrawn_awards(package)
        if award is not None:
            awards.append(award)
        if awards:
            release["awards"] = awards
        contracts = _contracts(package, award)
        if contracts:
            release["contracts"] = contracts
        return release
