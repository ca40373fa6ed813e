"""SPSE's public paths on an Inaproc portal (docs/spse-compat.md): the tender list page
that hands out the token, the two DataTables list endpoints, and a package's detail
pages in the shape SPSE readers parse. Public and read-only."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.bids.selectors.public import participants_public
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url
from inaproc.spse import tokens
from inaproc.spse.datatables import list_query, merged_params
from inaproc.spse.rows import (
    CANCELLED,
    EVALUATION_HEADER,
    evaluation_cells,
    nontender_cells,
    participant_cells,
    spse_date,
    stage_text,
    tender_cells,
)
from inaproc.spse.selectors import (
    Kind,
    evaluation_rows,
    participants_corrected,
    public_contract,
    spse_list,
    spse_package,
    winners,
)
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.public import tender_standing
from inaproc.tenders.views.public import tender_list_view

NOT_FOUND = "Halaman yang dituju tidak ditemukan"


def _portal_path(request: PortalRequest) -> str:
    return f"/{request.portal.slug}/"


@require_GET
@portal_required
def lelang_view(request: PortalRequest) -> HttpResponse:
    """The public tender list at SPSE's address, with the token in a cookie and in the
    page (a non-executed script block: the CSP forbids inline scripts)."""
    response = tender_list_view(request)
    token = tokens.token_from_cookie(request) or tokens.token_new()
    block = f'<script type="text/plain" id="spse-token">{tokens.page_text(token)}</script>\n'
    content = response.content.decode()
    if "</head>" in content:
        content = content.replace("</head>", block + "</head>", 1)
    else:
        content += block
    response.content = content.encode()
    tokens.token_cookie_set(
        response, token=token, path=_portal_path(request), secure=request.is_secure()
    )
    patch_cache_control(response, private=True)  # it carries this visitor's token
    return response


def _list_view(kind: Kind, cells: Callable) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt  # changes nothing; guarded by the token of the SPSE_SESSION cookie
    @require_http_methods(["GET", "POST"])
    @portal_required
    def view(request: PortalRequest) -> HttpResponse:
        params = merged_params(dict(request.POST.lists()), dict(request.GET.lists()))
        query = list_query(params)
        sent = (params.get(tokens.FIELD_NAME) or [""])[0]
        if not tokens.token_matches(request, sent):
            message = _(
                "The authenticityToken does not match the token of the SPSE_SESSION cookie: "
                "read both from the tender list page (lelang) first."
            )
            return JsonResponse(
                {"draw": query.draw, "recordsTotal": 0, "recordsFiltered": 0, "data": []}
                | {"error": message},
                status=403,
            )
        page = spse_list(portal=request.portal, kind=kind, query=query, now=timezone.now())
        return JsonResponse(
            {
                "draw": query.draw,
                "recordsTotal": page.total,
                "recordsFiltered": page.filtered,
                "data": [cells(row) for row in page.rows],
            }
        )

    return view


dt_lelang_view = _list_view(Kind.TENDER, tender_cells)
dt_pl_view = _list_view(Kind.NON_TENDER, nontender_cells)


def _render(request: PortalRequest, template: str, context: dict, status: int = 200):
    """SPSE's pages speak Indonesian whatever the visitor's language: readers match
    their words."""
    with translation.override("id"):
        response = render(request, template, context, status=status)
    response["Content-Language"] = "id"
    return response


def not_found(request: PortalRequest) -> HttpResponse:
    return _render(request, "spse/not_found.html", {"not_found": NOT_FOUND}, status=404)


def _detail_view(kind: Kind, page: str) -> Callable[..., HttpResponse]:
    builder, template = PAGES[page]

    @require_GET
    @portal_required
    def view(request: PortalRequest, code: str) -> HttpResponse:
        package = spse_package(portal=request.portal, code=code, kind=kind)
        if package is None:
            return not_found(request)
        context = {"package": package, "page": page, "tabs": _tabs(request, package, kind)}
        return _render(request, template, context | builder(package, kind=kind, page=page))

    return view


TAB_LABELS = {
    "announcement": "Pengumuman",
    "participants": "Peserta",
    "evaluation": "Hasil Evaluasi",
    "winner": "Pemenang",
    "winner_contract": "Pemenang Berkontrak",
    "schedule": "Jadwal",
}


def _tabs(request: PortalRequest, package: Package, kind: Kind) -> list[dict[str, str]]:
    """Links to the package's other SPSE pages and to its Inaproc page."""
    tabs = [
        {
            "page": page,
            "label": label,
            "url": portal_url(request.portal, f"spse:{kind.value}_{page}", code=package.code),
        }
        for page, label in TAB_LABELS.items()
    ]
    own = portal_url(request.portal, "tenders:public_announcement", code=package.code)
    return [*tabs, {"page": "", "label": "Halaman paket di Inaproc", "url": own}]


def _announcement(package: Package, *, kind: Kind, page: str) -> dict:
    return {
        "stage": stage_text(package, tender_standing(package), kind),
        "created": spse_date(package.created_at, with_time=False),
        "non_tender": kind is Kind.NON_TENDER,
        "cancelled": CANCELLED[kind],
    }


def _participants(package: Package, *, kind: Kind, page: str) -> dict:
    count, rows = participants_public(package, now=timezone.now())
    corrected = participants_corrected(package)
    cells = [
        participant_cells(number, row, corrected=corrected.get(row.npwp))
        for number, row in enumerate(rows, start=1)
    ]
    return {"count": count, "rows": cells}


def _evaluation(package: Package, *, kind: Kind, page: str) -> dict:
    star = static("spse/star.gif")
    rows = [(row, evaluation_cells(row, star_url=star)) for row in evaluation_rows(package)]
    return {"codes": EVALUATION_HEADER, "rows": rows}


def _winner(package: Package, *, kind: Kind, page: str) -> dict:
    contracted = page == "winner_contract"
    return {
        "winners": winners(package, contracted=contracted),
        "contracted": contracted,
        "contract": public_contract(package) if contracted else None,
        "non_tender": kind is Kind.NON_TENDER,
    }


def _schedule(package: Package, *, kind: Kind, page: str) -> dict:
    stages = [
        {
            "stage": stage,
            "starts": spse_date(stage.starts_at, with_time=True),
            "ends": spse_date(stage.ends_at, with_time=True),
        }
        for stage in package.stages.all()
    ]
    return {"stages": stages, "stage": stage_text(package, tender_standing(package), kind)}


PAGES: dict[str, tuple[Callable[..., dict], str]] = {
    "announcement": (_announcement, "spse/announcement.html"),
    "participants": (_participants, "spse/participants.html"),
    "evaluation": (_evaluation, "spse/evaluation.html"),
    "winner": (_winner, "spse/winner.html"),
    "winner_contract": (_winner, "spse/winner.html"),
    "schedule": (_schedule, "spse/schedule.html"),
}

DETAIL_VIEWS = {(kind, page): _detail_view(kind, page) for kind in Kind for page in PAGES}
