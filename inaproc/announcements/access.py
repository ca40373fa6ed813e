"""Access chokepoints: how an announcement or a window reaches a view. Missing and
forbidden (another portal's, not published yet, ended) are the same 404."""

from django.http import Http404

from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.announcements.selectors import announcement_list_public
from inaproc.portals.models import Portal


def access_public_announcement(*, portal: Portal, pk: int) -> Announcement:
    announcement = announcement_list_public(portal=portal).filter(pk=pk).first()
    if announcement is None:
        raise Http404
    return announcement


def access_staff_announcement(*, portal: Portal, pk: int) -> Announcement:
    """Any announcement of the portal (the caller checked the administrator role)."""
    announcement = Announcement.objects.filter(portal=portal, pk=pk).first()
    if announcement is None:
        raise Http404
    return announcement


def access_portal_window(*, portal: Portal, pk: int) -> MaintenanceWindow:
    """A window of this portal. Windows for every portal belong to the platform
    operator, so a portal administrator gets 404 for them too."""
    window = MaintenanceWindow.objects.filter(portal=portal, pk=pk).first()
    if window is None:
        raise Http404
    return window
