from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from inaproc.portals.directory import portals_for_request

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
        request._portals = portals = portals_for_request(  # type: ignore[attr-defined]
            host=request.get_host().split(":")[0], path=request.path_info
        )
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
