"""Concurrent failures on PostgreSQL: each is counted exactly once (row lock)."""

from inaproc.accounts.models import LoginAttempt, LoginOutcome, UsernameLock
from inaproc.accounts.services.signin import failure_register
from inaproc.core.context import ClientInfo
from tests.factories import make_portal, make_user
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once

pytestmark = POSTGRESQL_CONCURRENT


def test_twenty_simultaneous_wrong_passwords_lose_no_count_and_lock_once():
    portal = make_portal("lpse-konkuren")
    user = make_user(portal, username="penyedia-konkuren")

    results = all_at_once(
        [
            lambda n=n: failure_register(
                portal=portal, username=user.username, client=ClientInfo(f"10.0.0.{n}", "", "", "")
            )
            for n in range(20)
        ]
    )

    attempts = LoginAttempt.objects.filter(portal=portal)
    assert attempts.count() == 20
    assert attempts.filter(outcome=LoginOutcome.WRONG_CREDENTIALS).count() == 5
    assert attempts.filter(outcome=LoginOutcome.LOCKED).count() == 15
    lock = UsernameLock.objects.get(portal=portal)
    assert sum(r is not None for r in results) == 16  # the 5th and the 15 refused
    assert {r for r in results if r is not None} == {lock.locked_until}
