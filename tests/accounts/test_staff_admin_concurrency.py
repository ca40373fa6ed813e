"""Two administrators taking each other's administrator role, or deactivating each
other, at the same moment on PostgreSQL: the locks serve them one after the other, so
exactly one succeeds and the portal keeps an active administrator (never a deadlock)."""

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.staff import (
    StaffActionRefused,
    staff_deactivate,
    staff_roles_set,
)
from tests.factories import make_portal, make_user
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once

pytestmark = POSTGRESQL_CONCURRENT


def outcomes(results) -> list[str]:
    return sorted("refused" if isinstance(r, StaffActionRefused) else "done" for r in results)


def test_demoting_each_other_at_once_leaves_one_administrator():
    portal = make_portal("lpse-admins")
    first = make_user(portal, role=Role.PORTAL_ADMIN, username="admin1")
    second = make_user(portal, role=Role.PORTAL_ADMIN, username="admin2")

    results = all_at_once(
        [
            lambda: staff_roles_set(
                portal=portal, staff_id=second.pk, roles=[Role.HELPDESK], actor=first
            ),
            lambda: staff_roles_set(
                portal=portal, staff_id=first.pk, roles=[Role.HELPDESK], actor=second
            ),
        ],
        refusals=(StaffActionRefused,),
    )

    assert outcomes(results) == ["done", "refused"]
    admins = [u for u in User.objects.filter(portal=portal) if Role.PORTAL_ADMIN in u.roles]
    assert len(admins) == 1


def test_demoting_oneself_and_deactivating_the_other_at_once_leaves_one_administrator():
    portal = make_portal("lpse-admins2")
    first = make_user(portal, role=Role.PORTAL_ADMIN, username="admin1")
    second = make_user(portal, role=Role.PORTAL_ADMIN, username="admin2")

    results = all_at_once(
        [
            lambda: staff_roles_set(
                portal=portal, staff_id=first.pk, roles=[Role.VERIFIER], actor=first
            ),
            lambda: staff_deactivate(portal=portal, staff_id=first.pk, actor=second),
            lambda: staff_deactivate(portal=portal, staff_id=second.pk, actor=first),
        ],
        refusals=(StaffActionRefused,),
    )

    active_admins = [
        u
        for u in User.objects.filter(portal=portal, is_active=True)
        if Role.PORTAL_ADMIN in u.roles
    ]
    assert len(active_admins) == 1
    assert "refused" in outcomes(results)
