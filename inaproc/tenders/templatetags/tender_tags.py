"""{% load tender_tags %}: money as people read it, SPSE's stage names, and the open
tenders panel of the portal home (which needs only `portal` in the context)."""

from decimal import Decimal

from django import template

from inaproc.portals.models import Portal
from inaproc.tenders import money, stages
from inaproc.tenders.models import ProcurementType, TenderDocumentKind
from inaproc.tenders.selectors.public import open_tenders_by_type

register = template.Library()


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    return money.rupiah(value)


@register.filter
def rupiah_short(value: Decimal | int | None) -> str:
    return money.rupiah_short(value)


@register.filter
def stage_name(key: str) -> str:
    """A stage key (`upload_penawaran`) as SPSE names it (`Upload Dokumen Penawaran`)."""
    return stages.stage_name(key)


@register.filter
def document_kind(kind: str) -> str:
    """A tender document's kind in words (Dokumen Pemilihan, Adendum …)."""
    try:
        return str(TenderDocumentKind(kind).label)
    except ValueError:
        return kind


@register.simple_tag
def tenders_open_by_type(portal: Portal | None) -> list[dict]:
    """{% tenders_open_by_type portal as open_types %}: each jenis pengadaan with open
    tenders (published, not finished), in the order of the choices, with its count."""
    if portal is None:
        return []
    counts = open_tenders_by_type(portal=portal)
    return [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in ProcurementType.choices
        if counts.get(value)
    ]
