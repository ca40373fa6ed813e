"""The public open-data endpoints (docs/open-data.md): JSON, no account, per portal
(`/<slug>/ocds/…`) and for the whole platform (`/ocds/…`). Bad parameters answer 400
with a JSON error, never 500; every answer has an ETag (304 on If-None-Match) and cache
headers; each address may make OCDS_RATE_LIMIT_PER_MINUTE requests a minute."""

import hashlib
import json
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inaproc.core.cache import health
from inaproc.core.http import client_ip, retry_later
from inaproc.opendata import bulk, selectors
from inaproc.opendata.mapping import ocid_for
from inaproc.opendata.selectors import RecordRow
from inaproc.portals.http import PortalRequest
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url, site_absolute_url

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
LARGEST = 2**53 - 1  # JavaScript's exact integers end here
SHORT_CACHE = 30
LONG_CACHE = 24 * 60 * 60
OCDS_VERSION = "1.1"
JSON_TYPE = "application/json; charset=utf-8"


R = TypeVar("R", bound=HttpResponseBase)


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _headers(response: R, *, max_age: int) -> R:
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _error(code: str, message: str, status: int) -> HttpResponse:
    response = JsonResponse({"error": code, "message": message}, status=status)
    return _headers(response, max_age=10)


def _rate_limit_wait(request: HttpRequest) -> int:
    """Seconds to wait when the address made its quota of requests this minute, else 0.
    A fixed one-minute window in the cache (shared by the workers when the cache is)."""
    now = time.time()
    window = int(now // 60)
    key = f"ocds-rate:{client_ip(request) or '-'}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
    except Exception as error:  # the shared cache is down: serve, unlimited, logged once
        health.failed("rate limit", error)
        return 0
    if count <= settings.OCDS_RATE_LIMIT_PER_MINUTE:
        return 0
    return max(1, math.ceil((window + 1) * 60 - now))


def _api(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET only, rate limited, and a BadRequest becomes a 400 JSON answer."""

    @require_GET
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        wait = _rate_limit_wait(request)
        if wait:
            return retry_later(
                _error("rate_limited", _("Too many requests; wait and try again."), 429), wait
            )
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return _error("bad_request", error.message, 400)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _json_text(request: HttpRequest, text: str, *, max_age: int) -> HttpResponse:
    """`text` with a strong ETag of its bytes; 304 when the client has it already."""
    data = text.encode("utf-8")
    etag = f'"{hashlib.sha256(data).hexdigest()[:40]}"'
    known = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in known or "*" in known:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type=JSON_TYPE)
    response["ETag"] = etag
    return _headers(response, max_age=max_age)


def _after(request: HttpRequest) -> int:
    """The cursor: a position in the platform-wide sequence (0, the start, by default).
    Any position up to the feed's end is valid in every feed, a portal's included."""
    raw = request.GET.get("after", "")
    if raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit() or len(raw) > 16 or int(raw) > LARGEST:
        raise BadRequest(_("The cursor “after” must be a whole number from 0."))
    after = int(raw)
    if after > selectors.feed_end():
        raise BadRequest(_("The cursor “after” is beyond the end of the feed."))
    return after


def _limit(request: HttpRequest) -> int:
    """The page size: 1 to MAX_LIMIT; a larger one is lowered to MAX_LIMIT."""
    raw = request.GET.get("limit", "")
    if raw == "":
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or len(raw) > 30 or int(raw) < 1:
        message = _("The page size “limit” must be a whole number from 1 to %(max)s.")
        raise BadRequest(message % {"max": MAX_LIMIT})
    return min(int(raw), MAX_LIMIT)


def _publisher(portal: Portal | None) -> dict[str, str]:
    if portal is None:
        return {"name": settings.OCDS_PUBLISHER_NAME, "uri": site_absolute_url("/")}
    return {
        "name": portal.name,
        "uri": portal_absolute_url(portal, "portal_home"),
    }


def _wrapper(request: HttpRequest, portal: Portal | None, published: str) -> dict[str, Any]:
    wrapper: dict[str, Any] = {
        "uri": request.build_absolute_uri(),
        "version": OCDS_VERSION,
        "publishedDate": published,
        "publisher": _publisher(portal),
    }
    if settings.OCDS_LICENSE:
        wrapper["license"] = settings.OCDS_LICENSE
    return wrapper


def _with_list(wrapper: dict[str, Any], name: str, items: list[str]) -> str:
    """The package's JSON text, the stored JSON texts of `items` spliced in as they are."""
    head = json.dumps(wrapper, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"{name}":[{",".join(items)}]}}'


def _next(request: HttpRequest, cursor: int, limit: int) -> str:
    return request.build_absolute_uri(f"{request.path}?after={cursor}&limit={limit}")


def _nothing_new(request: HttpRequest, after: int, limit: int) -> HttpResponse:
    """Nothing after the cursor: 204 (an OCDS package holds at least one release or
    record), with the same cursor as the next link, to ask again later."""
    response = HttpResponse(status=204)
    response["Link"] = f'<{_next(request, after, limit)}>; rel="next"'
    return _headers(response, max_age=SHORT_CACHE)


def _releases(request: HttpRequest, portal: Portal | None) -> HttpResponse:
    after, limit = _after(request), _limit(request)
    rows = selectors.releases_after(portal=portal, after=after, limit=limit)
    if not rows:
        return _nothing_new(request, after, limit)
    wrapper = _wrapper(request, portal, json.loads(rows[-1][1])["date"])
    wrapper["links"] = {"next": _next(request, rows[-1][0], limit)}
    text = _with_list(wrapper, "releases", [body for _, body in rows])
    # A full page never changes (releases are only added after it); the end may grow.
    return _json_text(request, text, max_age=LONG_CACHE if len(rows) == limit else SHORT_CACHE)


def _record_text(row: RecordRow) -> str:
    return (
        f'{{"ocid":{json.dumps(row.ocid)},"releases":[{",".join(row.releases)}],'
        f'"compiledRelease":{row.compiled}}}'
    )


def _records_package(request: HttpRequest, portal: Portal | None, rows: list[RecordRow]) -> dict:
    return _wrapper(request, portal, max(json.loads(row.compiled)["date"] for row in rows))


def _records(request: HttpRequest, portal: Portal | None) -> HttpResponse:
    after, limit = _after(request), _limit(request)
    rows = selectors.records_after(portal=portal, after=after, limit=limit)
    if not rows:
        return _nothing_new(request, after, limit)
    wrapper = _records_package(request, portal, rows)
    wrapper["links"] = {"next": _next(request, rows[-1].first_seq, limit)}
    text = _with_list(wrapper, "records", [_record_text(row) for row in rows])
    return _json_text(request, text, max_age=SHORT_CACHE)


def _record(request: HttpRequest, portal: Portal | None, ocid: str) -> HttpResponse:
    row = selectors.record_of(ocid=ocid, portal=portal)
    if row is None:
        return _error("not_found", _("No published tender has this identifier."), 404)
    text = _with_list(_records_package(request, portal, [row]), "records", [_record_text(row)])
    return _json_text(request, text, max_age=SHORT_CACHE)


def _bulk_index(request: HttpRequest, scope: str) -> HttpResponse:
    files = [
        {**manifest, "url": request.build_absolute_uri(f"{manifest['date']}.jsonl.gz")}
        for manifest in bulk.bulk_index(scope=scope)
    ]
    return _json_text(request, json.dumps({"files": files}), max_age=SHORT_CACHE * 10)


def _bulk_file(request: HttpRequest, scope: str, day: str) -> HttpResponseBase:
    found = bulk.bulk_file(scope=scope, day=day)
    if found is None:
        return _error("not_found", _("There is no bulk file for this day."), 404)
    path, manifest = found
    etag = f'"{manifest["sha256"][:40]}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponseBase = HttpResponse(status=304)
    else:
        response = FileResponse(
            path.open("rb"),
            content_type="application/gzip",
            as_attachment=True,
            filename=path.name,
        )
    response["ETag"] = etag
    return _headers(response, max_age=LONG_CACHE)


# --- Per portal: /<slug>/ocds/… ---


@_api
def portal_releases_view(request: PortalRequest) -> HttpResponse:
    """The portal's releases after a cursor: its release packages and its change feed."""
    return _releases(request, request.portal)


@_api
def portal_records_view(request: PortalRequest) -> HttpResponse:
    """The portal's records, in the order of their first release."""
    return _records(request, request.portal)


@_api
def portal_record_view(request: PortalRequest, code: int) -> HttpResponse:
    """One tender's record (a record package of one)."""
    return _record(request, request.portal, ocid_for(request.portal, code))


@_api
def portal_bulk_index_view(request: PortalRequest) -> HttpResponse:
    return _bulk_index(request, request.portal.slug)


@_api
def portal_bulk_file_view(request: PortalRequest, day: str) -> HttpResponseBase:
    return _bulk_file(request, request.portal.slug, day)


# --- The whole platform: /ocds/… ---


@_api
def releases_view(request: HttpRequest) -> HttpResponse:
    """Every release of the platform after a cursor: the change feed."""
    return _releases(request, None)


@_api
def records_view(request: HttpRequest) -> HttpResponse:
    return _records(request, None)


@_api
def record_view(request: HttpRequest, ocid: str) -> HttpResponse:
    return _record(request, None, ocid)


@_api
def bulk_index_view(request: HttpRequest) -> HttpResponse:
    return _bulk_index(request, bulk.PLATFORM)


@_api
def bulk_file_view(request: HttpRequest, day: str) -> HttpResponseBase:
    return _bulk_file(request, bulk.PLATFORM, day)
