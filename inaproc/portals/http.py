"""The request as the portal pages see it, for type checkers."""

from django.http import HttpRequest

from inaproc.portals.models import Portal


class PortalRequest(HttpRequest):
    """A request inside a portal: `PortalMiddleware` has set `portal` (views wrapped in
    `portal_required` or a role decorator never see None)."""

    portal: Portal
