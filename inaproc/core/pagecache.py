"""Public pages served from the shared cache to anonymous visitors
(docs/decisions/0014-public-page-cache.md).

`@public_page` on a view: a GET without a session cookie (so: nobody signed in, no
one-time message waiting) is answered from the cache when the same page — same portal,
language, scheme, host, path and query — was rendered before and nothing it shows has
changed since; otherwise the view renders it and, if the response is the same for every
anonymous visitor (a 200, no cookie set, no CSRF token used, not marked private), it is
stored. Entries are versioned: `public_pages_changed(portal)` (called by the audit
chokepoint for every change of public content, on commit) drops a portal's pages, and
`PLATFORM_NAMESPACE` every page. An entry lives at most PAGE_CACHE_SECONDS, less when a
view knows its page changes earlier (`page_expires_at`: a maintenance banner appears,
a stage ends).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from inaproc.core.cache import cache_enabled, versioned_get_many, versioned_set_many, versions_bump

PLATFORM_NAMESPACE = "pages"
CACHE_HEADER = "X-Page-Cache"
# Longer query strings are served, never stored: there is no end to made-up ones.
MAX_CACHED_PATH = 1000
_PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")


def portal_namespace(portal_id: int) -> str:
    return f"pages:{portal_id}"


def public_pages_changed(portal: Any) -> None:
    """Something a portal's public pages show changed (None: every portal's)."""
    if portal is None:
        versions_bump(PLATFORM_NAMESPACE)
    else:
        versions_bump(portal_namespace(portal.pk))


def page_expires_at(request: HttpRequest, moment: datetime | None) -> None:
    """The page being rendered shows something that changes at `moment` (a banner that
    appears, a stage that ends): a cached copy must not outlive it."""
    if moment is None:
        return
    current = getattr(request, "_page_expires_at", None)
    if current is None or moment < current:
        request._page_expires_at = moment  # type: ignore[attr-defined]


def _request_cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.get_full_path()) <= MAX_CACHED_PATH
        and cache_enabled()
    )


def _page_key(request: HttpRequest, portal: Any) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    owner = portal.pk if portal is not None else "-"
    host = request.get_host().lower()
    return f"page:{owner}:{translation.get_language()}:{request.scheme}:{host}:{path}"


def _response_storable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not any(directive in cache_control for directive in _PRIVATE_DIRECTIVES)
    )


def _timeout(request: HttpRequest) -> float:
    timeout = float(settings.PAGE_CACHE_SECONDS)
    expires_at = getattr(request, "_page_expires_at", None)
    if expires_at is not None:
        timeout = min(timeout, (expires_at - timezone.now()).total_seconds())
    return timeout


def _entry(response: HttpResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.headers.items()), response.content


def _response(entry: tuple[int, list[tuple[str, str]], bytes]) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers[CACHE_HEADER] = "hit"
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's anonymous GET responses from the shared cache (see the module)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _request_cacheable(request):
            return view(request, *args, **kwargs)
        portal = getattr(request, "portal", None)
        namespaces = [PLATFORM_NAMESPACE]
        if portal is not None:
            namespaces.append(portal_namespace(portal.pk))
        key = _page_key(request, portal)
        found, versions = versioned_get_many([key], namespaces)
        if key in found:
            return _response(found[key])
        response = view(request, *args, **kwargs)
        if _response_storable(request, response):
            timeout = _timeout(request)
            if timeout >= 1:
                versioned_set_many({key: _entry(response)}, versions, timeout)
        response.headers[CACHE_HEADER] = "miss"
        return response

    return wrapper
