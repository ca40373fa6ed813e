from typing import Any

from inaproc.accounts.models import Role, User


def dashboard_context(*, user: User) -> dict[str, Any]:
    """What the role-aware dashboard shows to `user`."""
    return {
        "is_vendor": user.role == Role.VENDOR,
        "is_verifier": user.role == Role.VERIFIER,
        "is_helpdesk": user.role == Role.HELPDESK,
        "is_portal_admin": user.role == Role.PORTAL_ADMIN,
    }
