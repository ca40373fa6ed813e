from django.test import Client

from inaproc.accounts.models import Role
from tests.factories import make_user
from tests.helpers import signed_in


def non_admin_clients(portal) -> dict[str, Client]:
    """Signed-in users of `portal` who are not its administrator."""
    return {
        role: signed_in(make_user(portal, role=role, username=f"bukan-admin-{role}"), english=True)
        for role in (Role.VENDOR, Role.HELPDESK, Role.VERIFIER)
    }
