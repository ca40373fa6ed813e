"""{% load announcements_tags %}: announcement bodies and the panels of the portal home
and the dashboard, which need only `portal` in the context."""

from django import template
from django.template import Context
from django.utils import timezone
from django.utils.safestring import SafeString

from inaproc.announcements.markdown import markdown_render
from inaproc.announcements.middleware import maintenance_state
from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.announcements.selectors import announcement_latest, maintenance_pending
from inaproc.portals.models import Portal

register = template.Library()
PANEL_WINDOWS = 3


@register.filter
def markdown(text: str) -> SafeString:
    """An announcement body (Markdown) as sanitised HTML."""
    return markdown_render(text or "")


@register.simple_tag
def announcements_latest(portal: Portal | None) -> list[Announcement]:
    """{% announcements_latest portal as latest %}: the 3 newest, pinned first."""
    return announcement_latest(portal=portal) if portal is not None else []


@register.simple_tag(takes_context=True)
def maintenance_windows_upcoming(
    context: Context, portal: Portal | None
) -> list[MaintenanceWindow]:
    """{% maintenance_windows_upcoming portal as windows %}: windows not over yet (those
    the request's banner already read, when the page has a request)."""
    if portal is None:
        return []
    request = context.get("request")
    if request is not None and getattr(request, "portal", None) == portal:
        return maintenance_state(request).pending[:PANEL_WINDOWS]
    return maintenance_pending(portal=portal, now=timezone.now())[:PANEL_WINDOWS]
