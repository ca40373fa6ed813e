"""{% load search_tags %}: the rows of the national search's results (written in
Python like the portal list's rows: every value escaped) and a search's
filters in words."""

import html as html_module

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from inaproc.core.timefmt import wib
from inaproc.portals.urls_helpers import portal_url
from inaproc.reference.regions import Province
from inaproc.search.filters import SearchFilters
from inaproc.tenders import money, stages
from inaproc.tenders.forms.public import options_html
from inaproc.tenders.models import ProcurementType, SelectionMethod
from inaproc.tenders.selectors.public import STAGE_FINISHED, STAGE_OPEN, TenderRow

register = template.Library()


def escape(value: object) -> str:
    """Django's `escape` (what format_html does to a value that is not a safe string),
    without its wrapper for lazy strings: a value here is never one, and a page of 20
    results escapes about 200 of them."""
    return html_module.escape(str(value))


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
    tender's page on its own portal (/<slug>/tender/<code>/). Every value escaped: what
    is the same on every row (labels, texts of a jenis, a year, a portal) once per page,
    the rest per row (as format_html would: `escape`, or a safe string as it is)."""
    labels = {
        "code_label": escape(gettext("Code")),
        "name_label": escape(gettext("Package name")),
        "institution_label": escape(gettext("Institution and portal")),
        "stage_label": escape(gettext("Current stage")),
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
    jenis_labels = {value: escape(label) for value, label in ProcurementType.choices}
    metode_labels = {value: escape(label) for value, label in SelectionMethod.choices}
    year_text = gettext("Budget year %(year)s")
    until, starts = gettext("until %(end)s"), gettext("starts %(start)s")
    years: dict[int, str] = {}
    portals: dict[int, str] = {}
    html = []
    for row in rows:
        package = row.package
        portal = portals.get(package.portal_id)
        if portal is None:
            portal = portals[package.portal_id] = escape(package.portal.name)
        year = years.get(package.budget_year)
        if year is None:
            year = years[package.budget_year] = escape(year_text % {"year": package.budget_year})
        html.append(
            _ROW.format(
                **labels,
                url=escape(
                    portal_url(package.portal, "tenders:public_announcement", code=package.code)
                ),
                code=escape(package.code),
                name=escape(package.name),
                repeat=repeat if package.repeat_of_id else "",
                jenis=jenis_labels.get(package.procurement_type)
                or escape(package.procurement_type),
                metode=metode_labels.get(package.selection_method)
                or escape(package.selection_method),
                year=year,
                institution=escape(package.institution),
                portal=portal,
                stage=(
                    cancelled
                    if package.state == "cancelled"
                    else failed
                    if package.state == "failed"
                    else _stage(row, until, starts)
                ),
                hps=escape(money.rupiah_short(package.hps)),
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 (every value escaped above)


@register.simple_tag
def portal_options(portals: list[tuple[str, str]]) -> SafeString:
    """{% portal_options portals %}: the `<option>`s of the portals (slug, name) to save
    a search on, drawn once per list and language (`options_html`)."""
    return options_html(portals)


def _stage(row: TenderRow, until: str, starts: str) -> str:
    """Where the tender stands, escaped; `until` and `starts`: the texts "until
    %(end)s" and "starts %(start)s" in the active language."""
    standing = row.standing
    if standing.current is not None:
        when = until % {"end": wib(standing.current.ends_at)}
    elif standing.upcoming is not None:
        when = starts % {"start": wib(standing.upcoming.starts_at)}
    else:
        return escape(standing.label)
    return f'{escape(standing.label)}<br><span class="document-meta">{escape(when)}</span>'


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
