"""Public pages served from the shared cache to anonymous visitors
(docs/decisions/0014-public-page-cache.md).

`@public_page` on a view says that its anonymous GET responses are the same for every
anonymous visitor. `PageCacheMiddleware`, placed right after the middleware that adds
the security headers and before the session, authentication, CSRF and language
middleware, answers a GET without a session cookie (so: nobody signed in, no one-time
message waiting) from the cache when the same page — same portal, language, scheme,
host, path and query — was rendered before and nothing it shows has changed since:
one cache round trip, nothing else of the stack runs. Otherwise the request goes
through the whole stack; if a `@public_page` view answered and the response is the same
for every anonymous visitor (a 200, no cookie set, no CSRF token used, the session
untouched, not marked private), the middleware stores it as the inner stack made it
(headers included), and a later hit gets the outer middleware's headers (security
headers, CSP, request id) added again exactly as for a rendered page.

Entries are versioned: `public_pages_changed(portal)` (called by the audit chokepoint
for every change of public content, on commit) drops a portal's pages, and
`PLATFORM_NAMESPACE` every page. An entry lives at most PAGE_CACHE_SECONDS, less when
the page knows it changes earlier (`page_expires_at`: a maintenance banner appears, a
window starts, a stage ends).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, URLResolver, get_resolver, get_urlconf
from django.utils import timezone

from inaproc.core.cache import cache_enabled, versioned_get_many, versioned_set_many, versions_bump
from inaproc.core.middleware import language_from_request

PLATFORM_NAMESPACE = "pages"
CACHE_HEADER = "X-Page-Cache"
# Longer query strings are served, never stored: there is no end to made-up ones.
MAX_CACHED_PATH = 1000
_PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
# What a cached page is: status, the inner stack's headers, body.
Entry = tuple[int, list[tuple[str, str]], bytes]
_ENTRY_FIELDS = 3  # an entry of another shape (an older release's) is a miss
# Set on a `@public_page` view; functools.wraps carries it to the decorators around it.
_PUBLIC_MARK = "public_page"


def portal_namespace(scope: str) -> str:
    """The namespace of the pages of the portal whose slug is `scope`."""
    return f"pages:{scope}"


def public_pages_changed(portal: Any) -> None:
    """Something a portal's public pages show changed (None: every portal's)."""
    if portal is None:
        versions_bump(PLATFORM_NAMESPACE)
    else:
        versions_bump(portal_namespace(portal.slug))


def page_expires_at(request: HttpRequest, moment: datetime | None) -> None:
    """The page being rendered shows something that changes at `moment` (a banner that
    appears, a stage that ends): a cached copy must not outlive it."""
    if moment is None:
        return
    current = getattr(request, "_page_expires_at", None)
    if current is None or moment < current:
        request._page_expires_at = moment  # type: ignore[attr-defined]


@dataclass
class _Miss:
    """Left on a request looked up in vain: a `@public_page` view marks it public."""

    public: bool = False


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark the view's anonymous GET responses as the same for every anonymous visitor:
    PageCacheMiddleware stores and serves them (see the module)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        miss = getattr(request, "_page_cache_miss", None)
        if miss is not None:
            miss.public = True
            response.headers[CACHE_HEADER] = "miss"
        return response

    setattr(wrapper, _PUBLIC_MARK, True)
    return wrapper


@lru_cache(maxsize=4096)
def _public_view_name(resolver: URLResolver, path_info: str) -> str | None:
    """The URL name of a `@public_page` view at this path, else None. Remembered per
    process (resolving a path costs more than the rest of a hit's Python), for at most
    4,096 paths, and per URL configuration (`get_resolver` is itself cached and renewed
    when the configuration changes)."""
    try:
        match = resolver.resolve(path_info)
    except Resolver404:
        return None
    if not getattr(match.func, _PUBLIC_MARK, False):
        return None
    return match.view_name or "<unnamed view>"


def _timeout(request: HttpRequest) -> float:
    timeout = float(settings.PAGE_CACHE_SECONDS)
    expires_at = getattr(request, "_page_expires_at", None)
    if expires_at is not None:
        timeout = min(timeout, (expires_at - timezone.now()).total_seconds())
    return timeout


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


def _entry(response: HttpResponse) -> Entry:
    return response.status_code, list(response.headers.items()), response.content


def _response(entry: Entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers[CACHE_HEADER] = "hit"
    return response


def _count_hit(request: HttpRequest, view_name: str, started: float) -> None:
    """What django-prometheus's inner middleware would have counted for the page (a hit
    never reaches it): responses by status and view, latency by view."""
    try:
        from django_prometheus.middleware import Metrics  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the metrics are optional
        return
    metrics = Metrics.get_instance()
    method = request.method or ""
    metrics.responses_by_status.labels(status="200").inc()
    metrics.responses_by_status_view_method.labels(
        status="200", view=view_name, method=method
    ).inc()
    metrics.requests_latency_by_view_method.labels(view=view_name, method=method).observe(
        time.perf_counter() - started
    )


class PageCacheMiddleware:
    """Answers anonymous GETs of public pages from the shared cache before the rest of
    the stack runs, and stores what `@public_page` views answer (see the module).

    `scope` (the portal slug a path belongs to, "" for the platform's pages) and
    `session_cookie` (the name the browser sends that scope's session under) are
    overridden by the portals' subclass, which knows the per-portal cookie names."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def scope(self, request: HttpRequest) -> str:
        return ""

    def session_cookie(self, scope: str) -> str:
        return settings.SESSION_COOKIE_NAME

    def _key(self, request: HttpRequest) -> tuple[str, list[str], str] | None:
        """The page's key, namespaces and view name, or None when the request may not use
        the cache (not a GET, a session, not a `@public_page` view…)."""
        if request.method != "GET" or not cache_enabled():
            return None
        path = request.get_full_path()
        if len(path) > MAX_CACHED_PATH:
            return None
        view_name = _public_view_name(get_resolver(get_urlconf()), request.path_info)
        if view_name is None:  # no cache read for pages never stored
            return None
        scope = self.scope(request)
        if self.session_cookie(scope) in request.COOKIES:
            return None
        try:
            host = request.get_host().lower()
        except DisallowedHost:  # the rest of the stack answers it as it always does
            return None
        digest = hashlib.sha256(path.encode()).hexdigest()
        language = language_from_request(request)
        key = f"publicpage:{scope or '-'}:{language}:{request.scheme}:{host}:{digest}"
        namespaces = [PLATFORM_NAMESPACE] + ([portal_namespace(scope)] if scope else [])
        return key, namespaces, view_name

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        lookup = self._key(request)
        if lookup is None:
            return self.get_response(request)
        key, namespaces, view_name = lookup
        found, versions = versioned_get_many([key], namespaces)
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == _ENTRY_FIELDS:
            _count_hit(request, view_name, started)
            return _response(entry)
        miss = _Miss()
        request._page_cache_miss = miss  # type: ignore[attr-defined]
        response = self.get_response(request)
        if miss.public and _response_storable(request, response):
            timeout = _timeout(request)
            if timeout >= 1:
                versioned_set_many({key: _entry(response)}, versions, timeout)
        return response
