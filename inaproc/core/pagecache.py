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

`@public_form_page` says the same of a form page (the login form, the password reset
request) *apart from its per-visitor values*: the CSRF token, a CAPTCHA challenge
("holes"). On a miss the page is rendered for its visitor as always; before it is
stored, every value of the visitor's in it is cut out (the CSRF tokens made from the
visitor's secret, found in the page and checked with Django's own token check; the
values recorded with `page_hole` while the page was rendered, e.g. the CAPTCHA key).
On a hit a fresh value is made for each hole, by Django's CSRF middleware and
`get_token` (the visitor's CSRF cookie reused when valid, set otherwise, exactly as a
render does) and by the makers registered with `page_hole_maker_register` (a new
CAPTCHA challenge), and put in the cut places. A form page is stored only when nothing
else in it is the visitor's: a 200, no cookie but the CSRF cookie, the session untouched,
every recorded value one of a registered maker, and not marked `page_not_shared` (a
page that depends on who asks, e.g. a CAPTCHA shown after a failure of the address).
A bound form (a POST) is never looked up or stored.

HEAD requests are answered from the entry of the GET (the server sends no body).

Entries are versioned: `public_pages_changed(portal)` (called by the audit chokepoint
for every change of public content, on commit) drops a portal's pages, and
`PLATFORM_NAMESPACE` every page. An entry lives at most PAGE_CACHE_SECONDS, less when
the page knows it changes earlier (`page_expires_at`: a maintenance banner appears, a
window starts, a stage ends).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, URLResolver, get_resolver, get_urlconf
from django.utils import timezone
from django.utils.http import http_date

from inaproc.core.cache import cache_enabled, versioned_get_many, versioned_set_many, versions_bump
from inaproc.core.middleware import language_from_request

PLATFORM_NAMESPACE = "pages"
CACHE_HEADER = "X-Page-Cache"
# Longer query strings are served, never stored: there is no end to made-up ones.
MAX_CACHED_PATH = 1000
_PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
# What a cached page is: status, the inner stack's headers, the body cut at its holes
# (one part more than holes), and the holes: the names of the page's distinct
# per-visitor values and, for each cut, which of them goes there.
Holes = tuple[tuple[str, ...], tuple[int, ...]]
Entry = tuple[int, list[tuple[str, str]], list[bytes], Holes]
_ENTRY_FIELDS = 4  # an entry of another shape (an older release's) is a miss
_NO_HOLES: Holes = ((), ())
# Set on a `@public_page` view; functools.wraps carries it to the decorators around it.
_PUBLIC_MARK = "public_page"
_PAGE, _FORM = "page", "form"
_SAFE_METHODS = ("GET", "HEAD")

# The CSRF hole: Django's masked tokens are 64 letters and digits.
CSRF_HOLE = "csrf"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# How a hole of each name is filled on a hit (the CSRF middleware runs around them).
_HOLE_MAKERS: dict[str, Callable[[HttpRequest], str]] = {CSRF_HOLE: get_token}
# While a form page is rendered for storing: the per-visitor values written into it.
_recorded: ContextVar[list[tuple[str, str]] | None] = ContextVar("page_holes", default=None)


def page_hole_maker_register(name: str, maker: Callable[[HttpRequest], str]) -> None:
    """`maker(request)` makes a fresh value for the holes `name` of cached form pages."""
    _HOLE_MAKERS[name] = maker


def page_hole(name: str, value: str) -> None:
    """A per-visitor value (of a maker registered as `name`) was written into the page
    being rendered: a stored copy must not keep it (see the module). Does nothing
    unless a `@public_form_page` is being rendered for the cache."""
    recorded = _recorded.get()
    if recorded is not None:
        recorded.append((name, value))


def page_not_shared(request: HttpRequest) -> None:
    """The page being rendered depends on who asks beyond its holes: never store it."""
    miss = getattr(request, "_page_cache_miss", None)
    if miss is not None:
        miss.shared = False


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
    """Left on a request looked up in vain: a `@public_page` view marks it public;
    `page_not_shared` marks it the visitor's own."""

    public: bool = False
    shared: bool = True


Handler = Callable[[HttpRequest], HttpResponse]
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _marked(view: View, kind: str) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        miss = getattr(request, "_page_cache_miss", None)
        if miss is not None:
            miss.public = True
            response.headers[CACHE_HEADER] = "miss"
        return response

    setattr(wrapper, _PUBLIC_MARK, kind)
    return cast(View, wrapper)


def public_page(view: View) -> View:
    """Mark the view's anonymous GET responses as the same for every anonymous visitor:
    PageCacheMiddleware stores and serves them (see the module)."""
    return _marked(view, _PAGE)


def public_form_page(view: View) -> View:
    """Mark the view's anonymous GET responses as the same for every anonymous visitor
    apart from their CSRF token and the values recorded with `page_hole`: stored with
    those cut out, served with fresh ones (see the module)."""
    return _marked(view, _FORM)


@lru_cache(maxsize=4096)
def _public_view(resolver: URLResolver, path_info: str) -> tuple[str, str] | None:
    """The URL name and kind (page, form) of a `@public_page` or `@public_form_page`
    view at this path, else None. Remembered per process (resolving a path costs more
    than the rest of a hit's Python), for at most 4,096 paths, and per URL configuration
    (`get_resolver` is itself cached and renewed when the configuration changes)."""
    try:
        match = resolver.resolve(path_info)
    except Resolver404:
        return None
    kind = getattr(match.func, _PUBLIC_MARK, None)
    if kind not in (_PAGE, _FORM):
        return None
    return match.view_name or "<unnamed view>", kind


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


def _token_matches(token: str, secret: str) -> bool:
    """Whether `token` is a masked form of `secret`: Django's own check (private, hence
    no stub; tests/accounts/test_login_page_cache.py notices a change)."""
    from django.middleware.csrf import _does_token_match  # type: ignore[attr-defined]

    return bool(_does_token_match(token, secret))


def _form_storable(request: HttpRequest, response: HttpResponse, csrf_cookie: str) -> bool:
    """A form page for the cache: as `_response_storable`, except that it may set the
    CSRF cookie and say private (it is the visitor's for HTTP caches: never_cache)."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and set(response.cookies) <= {csrf_cookie}
        and not (session is not None and session.modified)
    )


def _entry(response: HttpResponse) -> Entry:
    return response.status_code, list(response.headers.items()), [response.content], _NO_HOLES


def _form_entry(
    request: HttpRequest, response: HttpResponse, recorded: list[tuple[str, str]]
) -> Entry | None:
    """The form page with its visitor's values cut out, or None when one of them cannot
    be accounted for (then the page is not stored)."""
    content = response.content
    values: dict[bytes, str] = {}
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        if secret.encode() in content:  # the unmasked secret never belongs in a page
            return None
        for token in set(_MASKED_TOKEN.findall(content)):
            if _token_matches(token.decode(), secret):
                values[token] = CSRF_HOLE
    if bool(response.cookies) != (CSRF_HOLE in values.values()):
        return None  # a token without its cookie, or a cookie without a token
    for name, value in recorded:
        if name not in _HOLE_MAKERS:
            return None
        if value.encode() in content:
            values[value.encode()] = name
    if not values:
        return _entry(response)
    order = list(values)
    pieces = re.split(b"(" + b"|".join(re.escape(value) for value in order) + b")", content)
    parts, cuts = pieces[0::2], tuple(order.index(value) for value in pieces[1::2])
    names = tuple(values[value] for value in order)
    return response.status_code, list(response.headers.items()), parts, (names, cuts)


def _response(status: int, headers: list[tuple[str, str]], content: bytes) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers[CACHE_HEADER] = "hit"
    return response


def _filled(request: HttpRequest) -> HttpResponse:
    """A form page from its entry (on the request), each hole given a fresh value; run
    inside the CSRF middleware (`PageCacheMiddleware.visitor_middleware`)."""
    status, headers, parts, (names, cuts) = request._page_entry  # type: ignore[attr-defined]
    values = [_HOLE_MAKERS[name](request).encode() for name in names]
    body = [parts[0]]
    for cut, part in zip(cuts, parts[1:], strict=True):
        body += (values[cut], part)
    response = _response(status, headers, b"".join(body))
    if "Expires" in response.headers:  # never_cache: "expired now", as at a render
        response.headers["Expires"] = http_date()
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
        self.fill = self.visitor_middleware(_filled)

    def scope(self, request: HttpRequest) -> str:
        return ""

    def session_cookie(self, scope: str) -> str:
        return settings.SESSION_COOKIE_NAME

    def csrf_cookie(self, scope: str) -> str:
        return settings.CSRF_COOKIE_NAME

    def visitor_middleware(self, handler: Handler) -> Handler:
        """`handler` inside the middleware that gives a visitor their CSRF secret (from
        their cookie, or a new one and its cookie): Django's own."""
        return cast(Handler, CsrfViewMiddleware(handler))

    def _key(self, request: HttpRequest) -> tuple[str, list[str], str, str] | None:
        """The page's key, namespaces, view name and kind, or None when the request may
        not use the cache (not a GET or HEAD, a session, not a public view…)."""
        if request.method not in _SAFE_METHODS or not cache_enabled():
            return None
        path = request.get_full_path()
        if len(path) > MAX_CACHED_PATH:
            return None
        view = _public_view(get_resolver(get_urlconf()), request.path_info)
        if view is None:  # no cache read for pages never stored
            return None
        view_name, kind = view
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
        return key, namespaces, view_name, kind

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        lookup = self._key(request)
        if lookup is None:
            return self.get_response(request)
        key, namespaces, view_name, kind = lookup
        found, versions = versioned_get_many([key], namespaces)
        entry = found.get(key)
        if (
            isinstance(entry, tuple)
            and len(entry) == _ENTRY_FIELDS
            and all(name in _HOLE_MAKERS for name in entry[3][0])
        ):
            status, headers, parts, holes = entry
            if holes[0]:
                request._page_entry = entry  # type: ignore[attr-defined]
                response = self.fill(request)
            else:
                response = _response(status, headers, parts[0])
            _count_hit(request, view_name, started)
            return response
        if request.method != "GET":  # HEAD: served from the GET's entry, never stored
            return self.get_response(request)
        miss = _Miss()
        request._page_cache_miss = miss  # type: ignore[attr-defined]
        recorded: list[tuple[str, str]] = []
        recording = _recorded.set(recorded if kind == _FORM else None)
        try:
            response = self.get_response(request)
        finally:
            _recorded.reset(recording)
        if not (miss.public and miss.shared):
            return response
        if kind == _FORM:
            csrf_cookie = self.csrf_cookie(self.scope(request))
            if not _form_storable(request, response, csrf_cookie):
                return response
            stored = _form_entry(request, response, recorded)
        else:
            stored = _entry(response) if _response_storable(request, response) else None
        timeout = _timeout(request)
        if stored is not None and timeout >= 1:
            versioned_set_many({key: stored}, versions, timeout)
        return response
