"""Access chokepoints of the helpdesk: how an object of a portal reaches a view."""

from django.http import Http404

from inaproc.accounts.models import User
from inaproc.portals.models import Portal


def access_portal_user(*, portal: Portal, user_id: int) -> User:
    """The account `user_id` of `portal`. The same 404 for an account that does not
    exist and for one of another portal (or of the platform), so that staff of one
    portal learn nothing about another's accounts. The caller has already checked
    the staff role (`portal_role_required`)."""
    user = User.objects.select_related("portal").filter(portal=portal, pk=user_id).first()
    if user is None:
        raise Http404
    return user
