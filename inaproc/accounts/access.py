"""Access chokepoints of accounts: how an account's object reaches a view. Each is
`access_<entity>(*, portal, user, <id>)` and raises the same Http404 for missing and
forbidden."""

from django.http import Http404

from inaproc.accounts.models import PORTAL_STAFF_ROLES, User, UserSession
from inaproc.portals.models import Portal


def access_user_session(*, portal: Portal, user: User, session_id: int) -> UserSession:
    """`user`'s own open session `session_id` on `portal`. The same 404 for a session
    that does not exist, has ended, or belongs to anyone else (another account, another
    portal), so that nobody learns about or ends another person's sessions."""
    user_session = UserSession.objects.filter(
        pk=session_id, user=user, user__portal=portal, ended_at__isnull=True
    ).first()
    if user_session is None:
        raise Http404
    return user_session


def access_staff_member(*, portal: Portal, user: User, staff_id: int) -> User:
    """A staff account of `portal` for its administrator (the view's role check comes
    first). The same 404 for a missing account, a vendor's, or another portal's."""
    staff = User.objects.filter(portal=portal, pk=staff_id, role__in=PORTAL_STAFF_ROLES).first()
    if staff is None:
        raise Http404
    return staff
