"""Access chokepoints: how an announcement or a window reaches a view. Each is
`access_<entity>(*, portal, user, <id>)`; missing and forbidden (another portal's, not
published yet, ended, not an administrator of the portal) are the same 404."""

from django.http import Http404

from inaproc.accounts.models import Role, User
from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.announcements.selectors import announcement_list_public
from inaproc.portals.models import Portal


def _is_portal_admin(portal: Portal, user: User) -> bool:
    return (
        user.is_authenticated and user.portal_id == portal.pk and user.has_role(Role.PORTAL_ADMIN)
    )


def access_public_announcement(*, portal: Portal, user: User, announcement_id: int) -> Announcement:
    """A published announcement of `portal`, for anyone (`user` may be anonymous)."""
    announcement = announcement_list_public(portal=portal).filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404
    return announcement


def access_staff_announcement(*, portal: Portal, user: User, announcement_id: int) -> Announcement:
    """Any announcement of the portal, for its administrator `user`."""
    announcement = None
    if _is_portal_admin(portal, user):
        announcement = Announcement.objects.filter(portal=portal, pk=announcement_id).first()
    if announcement is None:
        raise Http404
    return announcement


def access_portal_window(*, portal: Portal, user: User, window_id: int) -> MaintenanceWindow:
    """A window of this portal, for its administrator `user`. Windows for every portal
    belong to the platform operator, so a portal administrator gets 404 for them too."""
    window = None
    if _is_portal_admin(portal, user):
        window = MaintenanceWindow.objects.filter(portal=portal, pk=window_id).first()
    if window is None:
        raise Http404
    return window
