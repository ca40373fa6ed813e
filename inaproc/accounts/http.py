"""The request as the signed-in pages see it, for type checkers."""

from inaproc.accounts.models import User
from inaproc.portals.http import PortalRequest


class SignedInRequest(PortalRequest):
    """A request behind `portal_login_required` or `portal_role_required`: the portal is
    set and `user` is a signed-in account of it (never anonymous)."""

    user: User
