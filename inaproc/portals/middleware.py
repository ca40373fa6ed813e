from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from inaproc.core.operations import OPERATIONS_PATHS
from inaproc.core.pagecache import Handler, PageCacheMiddleware
from inaproc.portals.cookies import PortalCookieMiddleware, portal_cookie_name
from inaproc.portals.directory import RequestPortals, path_slug, portals_for_request

PORTAL_URL_KWARG = "portal_slug"


class PortalMiddleware:
    """Sets `request.portal`, the one place where it is set.

    Portal URLs carry the slug as their first path segment (`/<slug>/…`). The slug is
    taken out of the view's arguments here, so views read `request.portal` instead.
    Platform-level pages get `request.portal = None`. A host that belongs to one
    portal's own domain serves that portal only.

    Both lookups are one (portals/directory.py): one cache round trip when a shared
    cache is configured and holds them, else one query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.portal = None
        host = request.get_host().split(":")[0]  # also refuses hosts not allowed
        if request.path_info in OPERATIONS_PATHS:
            # Health, readiness and metrics must answer whatever the database does: they
            # belong to no portal, so the lookup is not made.
            portals = RequestPortals(domain_portal=None, slug="", slug_portal=None)
        else:
            portals = portals_for_request(host=host, path=request.path_info)
        request._portals = portals  # type: ignore[attr-defined]
        request.domain_portal = portals.domain_portal
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable,
        view_args: tuple,
        view_kwargs: dict[str, Any],
    ) -> None:
        slug = view_kwargs.pop(PORTAL_URL_KWARG, None)
        if slug is None:
            return None
        portal = request._portals.portal_for_slug(slug)  # type: ignore[attr-defined]
        if portal is None:
            raise Http404
        if request.domain_portal is not None and request.domain_portal != portal:
            raise Http404
        request.portal = portal
        return None


class PublicPageCacheMiddleware(PageCacheMiddleware):
    """The page cache (core/pagecache.py) with the portals' cookie scopes: a page under
    `/<slug>/` is that portal's, and its visitor is anonymous there when the browser
    sends no session cookie of that portal (docs/decisions/0015-per-portal-cookies.md).
    Placed before PortalCookieMiddleware, so it reads the cookie names the browser uses."""

    def scope(self, request: HttpRequest) -> str:
        return path_slug(request.path_info)

    def session_cookie(self, scope: str) -> str:
        name = settings.SESSION_COOKIE_NAME
        return portal_cookie_name(name, scope) if scope else name

    def csrf_cookie(self, scope: str) -> str:
        name = settings.CSRF_COOKIE_NAME
        return portal_cookie_name(name, scope) if scope else name

    def visitor_middleware(self, handler: Handler) -> Handler:
        """The CSRF middleware inside the portals' cookie scopes, as in the stack."""
        return PortalCookieMiddleware(super().visitor_middleware(handler))
