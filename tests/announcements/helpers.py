from django.conf import settings
from django.test import Client

from inaproc.accounts.models import Role
from tests.factories import make_user
from tests.helpers import force_login_session


def signed_in(user) -> Client:
    """A client signed in as `user` (staff with a second factor), pages in English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    force_login_session(client, user)
    return client


def non_admin_clients(portal) -> dict[str, Client]:
    """Signed-in users of `portal` who are not its administrator."""
    return {
        role: signed_in(make_user(portal, role=role, username=f"bukan-admin-{role}"))
        for role in (Role.VENDOR, Role.HELPDESK, Role.VERIFIER)
    }
