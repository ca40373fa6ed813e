"""Public, read-only endpoints of a portal's transparency log (JSON, no login) and the
"Verifikasi Tanda Terima" page. Bad parameters answer 400 with a JSON error, never 500."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.seal.entries import KEYS_FORMAT, b64u_encode
from inaproc.translog import selectors
from inaproc.translog.services import (
    sign_tree_head_on_demand,
    signed_entry_document,
    tree_head_document,
    utc_iso,
)

# Indexes and sizes above this are refused (JavaScript's exact integers end at 2**53).
LARGEST = 2**53 - 1
SHORT_CACHE = 60
LONG_CACHE = 24 * 60 * 60


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _json(data: dict[str, Any], *, max_age: int, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": True})
    response["Access-Control-Allow-Origin"] = "*"  # mirrors and verifiers elsewhere read it
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _error(code: str, message: str, status: int) -> JsonResponse:
    return _json(
        {"error": code, "message": message}, max_age=0 if status >= 500 else 10, status=status
    )


def _number(request: HttpRequest, name: str, default: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadRequest(_("The parameter “%(name)s” is required.") % {"name": name})
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 16 or int(raw) > LARGEST:
        raise BadRequest(_("The parameter “%(name)s” must be a whole number.") % {"name": name})
    return int(raw)


def _api(view):
    """Portal only, GET only, and a BadRequest becomes a 400 JSON answer."""

    @require_GET
    @portal_required
    def wrapper(request: HttpRequest) -> HttpResponse:
        try:
            return view(request)
        except BadRequest as error:
            return _error("bad_request", error.message, 400)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_api
def keys_view(request: PortalRequest) -> HttpResponse:
    """Every signing key of the portal, retired ones included, with when each signed."""
    keys = [
        {
            "key_id": key.key_id,
            "algorithm": "Ed25519",
            "public_key": b64u_encode(bytes(key.public_key)),
            "valid_from": utc_iso(start),
            "valid_until": utc_iso(end) if end is not None else None,
        }
        for key, start, end in selectors.key_validity(selectors.signing_keys(portal=request.portal))
    ]
    data = {"format": KEYS_FORMAT, "portal": request.portal.slug, "keys": keys}
    return _json(data, max_age=300)


@_api
def tree_head_view(request: PortalRequest) -> HttpResponse:
    """The latest signed tree head, or with ?tree_size=N the newest one of that size."""
    if "tree_size" in request.GET:
        head = selectors.tree_head_of_size(
            portal=request.portal, tree_size=_number(request, "tree_size")
        )
        max_age = LONG_CACHE
    else:
        head = selectors.tree_head_latest(portal=request.portal)
        max_age = SHORT_CACHE
    if head is None:
        return _error("no_tree_head", _("No tree head of this size has been signed."), 404)
    return _json(tree_head_document(head), max_age=max_age)


@_api
def entries_view(request: PortalRequest) -> HttpResponse:
    """Entries start … end (both included, at most 100); a mirror pages through them."""
    start = _number(request, "start")
    end = _number(request, "end", default=start + selectors.ENTRIES_PAGE_MAX - 1)
    if end < start:
        raise BadRequest(_("“end” must not be below “start”."))
    entries = selectors.entries_page(portal=request.portal, start=start, end=end)
    complete = len(entries) == min(end - start + 1, selectors.ENTRIES_PAGE_MAX)
    data = {"entries": [signed_entry_document(entry) for entry in entries]}
    return _json(data, max_age=LONG_CACHE if complete else SHORT_CACHE)


@_api
def inclusion_view(request: PortalRequest) -> HttpResponse:
    """The inclusion proof of entry `index` with the signed head it leads to: of
    `tree_size` if given, else the latest (signed now if none covers the entry yet)."""
    portal = request.portal
    index = _number(request, "index")
    if index >= selectors.log_size(portal=portal):
        return _error("no_entry", _("The log has no entry with this index."), 404)
    if "tree_size" in request.GET:
        tree_size = _number(request, "tree_size")
        if tree_size <= index:
            raise BadRequest(_("“tree_size” must be above “index”."))
        head = selectors.tree_head_of_size(portal=portal, tree_size=tree_size)
    else:
        head = selectors.tree_head_latest(portal=portal)
        if head is None or head.tree_size <= index:
            head = sign_tree_head_on_demand(portal=portal, covering=index)
    if head is None:
        response = _error(
            "no_tree_head", _("No signed tree head covers this entry yet; try again soon."), 404
        )
        response["Retry-After"] = "30"
        return response
    data = {
        "index": index,
        "tree_size": head.tree_size,
        "proof": selectors.inclusion_proof(portal=portal, index=index, tree_size=head.tree_size),
        "tree_head": tree_head_document(head),
    }
    return _json(data, max_age=LONG_CACHE if "tree_size" in request.GET else SHORT_CACHE)


@_api
def consistency_view(request: PortalRequest) -> HttpResponse:
    """The consistency proof between the trees of `first` and `second` entries, with the
    signed heads of those sizes where there are some."""
    portal = request.portal
    first, second = _number(request, "first"), _number(request, "second")
    if first > second:
        raise BadRequest(_("“first” must not be above “second”."))
    if second > selectors.log_size(portal=portal):
        return _error("too_large", _("The log is not that large."), 404)
    heads = [selectors.tree_head_of_size(portal=portal, tree_size=n) for n in (first, second)]
    data = {
        "first": first,
        "second": second,
        "proof": selectors.consistency_proof(portal=portal, first=first, second=second),
        "first_tree_head": tree_head_document(heads[0]) if heads[0] else None,
        "second_tree_head": tree_head_document(heads[1]) if heads[1] else None,
    }
    return _json(data, max_age=LONG_CACHE)


@require_GET
@portal_required
def receipt_verify_view(request: PortalRequest) -> HttpResponse:
    """The public page where anyone checks a receipt (the checks run in the browser)."""
    return render(request, "translog/receipt_verify.html")
