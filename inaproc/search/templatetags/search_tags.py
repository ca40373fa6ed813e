"""{% load search_tags %}: the rows of the national search's results (written in
Python like the portal list's rows: every value escaped by format_html) and a search's
filters in words."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from inaproc.core.timefmt import wib
from inaproc.portals.urls_helpers import portal_url
from inaproc.reference.regions import Province
from inaproc.search.filters import SearchFilters
from inaproc.tenders import money, stages
from inaproc.tenders.models import ProcurementType, SelectionMethod
from inaproc.tenders.selectors.public import STAGE_FINISHED, STAGE_OPEN, TenderRow

register = template.Library()

_ROW = (
    '<tr><td data-label="{code_label}" class="nowrap"><a href="{url}">{code}</a></td>'
    '<td data-label="{name_label}"><a href="{url}">{name}</a>{repeat}'
    '<br><span class="document-meta">{jenis} · {metode} · {year}</span></td>'
    '<td data-label="{institution_label}">{institution}'
    '<br><span class="document-meta">{portal}</span></td>'
    '<td data-label="{stage_label}">{stage}</td>'
    '<td data-label="HPS" class="nowrap">{hps}</td></tr>'
)


@register.simple_tag
def search_result_rows(rows: list[TenderRow]) -> SafeString:
    """{% search_result_rows rows %}: the `<tr>` of the results; each links to the
    tender's page on its own portal (/<slug>/tender/<code>/)."""
    labels = {
        "code_label": gettext("Code"),
        "name_label": gettext("Package name"),
        "institution_label": gettext("Institution and portal"),
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
    # The labels once per page, not per row (a model's get_FOO_display rebuilds the
    # dict of its choices on each call: a fifth of the rows' time on a page of 20).
    jenis_labels = {value: str(label) for value, label in ProcurementType.choices}
    metode_labels = {value: str(label) for value, label in SelectionMethod.choices}
    html = [
        format_html(
            _ROW,
            **labels,
            url=portal_url(
                row.package.portal, "tenders:public_announcement", code=row.package.code
            ),
            code=row.package.code,
            name=row.package.name,
            repeat=repeat if row.package.repeat_of_id else "",
            jenis=jenis_labels.get(row.package.procurement_type, row.package.procurement_type),
            metode=metode_labels.get(row.package.selection_method, row.package.selection_method),
            year=gettext("Budget year %(year)s") % {"year": row.package.budget_year},
            institution=row.package.institution,
            portal=row.package.portal.name,
            stage=(
                cancelled
                if row.package.state == "cancelled"
                else failed
                if row.package.state == "failed"
                else _stage(row)
            ),
            hps=money.rupiah_short(row.package.hps),
        )
        for row in rows
    ]
    return mark_safe("\n".join(html))  # noqa: S308 (each row is format_html's output)


def _tender_url(row: TenderRow) -> str:
    return portal_url(row.package.portal, "tenders:public_announcement", code=row.package.code)


def _stage(row: TenderRow) -> SafeString:
    standing = row.standing
    if standing.current is not None:
        when = gettext("until %(end)s") % {"end": wib(standing.current.ends_at)}
    elif standing.upcoming is not None:
        when = gettext("starts %(start)s") % {"start": wib(standing.upcoming.starts_at)}
    else:
        return format_html("{}", standing.label)
    return format_html('{}<br><span class="document-meta">{}</span>', standing.label, when)


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


@register.simple_tag
def search_summary(filters: SearchFilters) -> str:
    """A search's filters in words: “jalan” · Konstruksi · Jawa Barat · …"""
    stage_names = {
        STAGE_OPEN: gettext("Not finished"),
        STAGE_FINISHED: gettext("Finished"),
        **stages.STAGE_NAMES,
    }
    parts = [
        f"“{filters.q}”" if filters.q else "",
        gettext("portal %(slug)s") % {"slug": filters.portal} if filters.portal else "",
        _label(ProcurementType.choices, filters.procurement_type),
        _label(SelectionMethod.choices, filters.selection_method),
        gettext("budget year %(year)s") % {"year": filters.budget_year}
        if filters.budget_year
        else "",
        stage_names.get(filters.stage, filters.stage),
        _label(Province.choices, filters.province),
        filters.city,
        gettext("HPS from %(amount)s") % {"amount": money.rupiah(filters.hps_min)}
        if filters.hps_min is not None
        else "",
        gettext("HPS up to %(amount)s") % {"amount": money.rupiah(filters.hps_max)}
        if filters.hps_max is not None
        else "",
        f"KBLI {filters.kbli}" if filters.kbli else "",
    ]
    return " · ".join(part for part in parts if part)
