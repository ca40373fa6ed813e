"""{% load tender_tags %}: money as people read it, SPSE's stage names, and the open
tenders panel of the portal home (which needs only `portal` in the context)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from inaproc.core.timefmt import wib
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url
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


_LIST_ROW = (
    '<tr><td data-label="{code_label}" class="nowrap"><a href="{url}">{code}</a></td>'
    '<td data-label="{name_label}"><a href="{url}">{name}</a>{repeat}'
    '<br><span class="document-meta">{jenis} · {metode} · {year}</span></td>'
    '<td data-label="{institution_label}">{institution}</td>'
    '<td data-label="{stage_label}">{stage}</td>'
    '<td data-label="HPS" class="nowrap">{hps}</td></tr>'
)


@register.simple_tag(takes_context=True)
def tender_list_rows(context: template.Context, rows: list) -> SafeString:
    """{% tender_list_rows rows %}: the `<tr>` of the public tender list. Written in
    Python (every value escaped by format_html) rather than as a template loop: the list
    is the portal's busiest page, and the loop cost about 1.5 ms a row
    (docs/performance.md)."""
    portal = context["portal"]
    labels = {
        "code_label": gettext("Code"),
        "name_label": gettext("Package name"),
        "institution_label": gettext("Institution (K/L/PD)"),
        "stage_label": gettext("Current stage"),
    }
    repeat = format_html(
        ' <span class="status-tag tender-repeat">{}</span>', gettext("Repeat tender")
    )
    cancelled = format_html(
        '<strong class="status-tag status-rejected">{}</strong>', gettext("Cancelled")
    )
    failed = format_html(
        '<strong class="status-tag status-rejected">{}</strong>', gettext("Tender failed")
    )
    html = [
        format_html(
            _LIST_ROW,
            **labels,
            url=portal_url(portal, "tenders:public_announcement", code=row.package.code),
            code=row.package.code,
            name=row.package.name,
            repeat=repeat if row.package.repeat_of_id else "",
            jenis=row.package.get_procurement_type_display(),
            metode=row.package.get_selection_method_display(),
            year=gettext("Budget year %(year)s") % {"year": row.package.budget_year},
            institution=row.package.institution,
            stage=(
                cancelled
                if row.package.state == "cancelled"
                else failed
                if row.package.state == "failed"
                else _stage_cell(row.standing)
            ),
            hps=money.rupiah_short(row.package.hps),
        )
        for row in rows
    ]
    return mark_safe("\n".join(html))  # noqa: S308 (each row is format_html's output)


def _stage_cell(standing: stages.Standing) -> SafeString:
    if standing.current is not None:
        when = gettext("until %(end)s") % {"end": wib(standing.current.ends_at)}
    elif standing.upcoming is not None:
        when = gettext("starts %(start)s") % {"start": wib(standing.upcoming.starts_at)}
    else:
        return format_html("{}", standing.label)
    return format_html('{}<br><span class="document-meta">{}</span>', standing.label, when)
