"""Two removals of an account's last two second factors at once, on PostgreSQL: the
account's row lock orders them, so one succeeds and the other is refused."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections

from inaproc.accounts.models import Passkey, Role
from inaproc.accounts.services.factors import (
    LastRequiredFactorError,
    has_second_factor,
    totp_remove,
)
from inaproc.accounts.services.passkeys import passkey_remove
from tests.factories import make_portal, make_totp_device, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
]


def add_passkey(user, n: int) -> Passkey:
    return Passkey.objects.create(
        user=user,
        name=f"Kunci {n}",
        credential_id=f"credential-{user.pk}-{n}".encode(),
        public_key=b"public-key",
        rp_id="testserver",
    )


def run_at_once(*removals) -> list[str]:
    """Each removal in its own thread and connection, released together."""
    start = Barrier(len(removals))

    def run(removal) -> str:
        start.wait()
        try:
            return "removed" if removal() else "not found"
        except LastRequiredFactorError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(removals)) as pool:
        return sorted(pool.map(run, removals))


def test_removing_the_app_and_the_passkey_at_once_leaves_one_factor():
    officer = make_user(make_portal("lpse-faktor"), role=Role.HELPDESK, username="helpdesk-f")
    make_totp_device(officer)
    passkey = add_passkey(officer, 1)

    results = run_at_once(
        lambda: totp_remove(user=officer),
        lambda: passkey_remove(user=officer, passkey_id=passkey.pk),
    )

    assert results == ["refused", "removed"]
    assert has_second_factor(officer)


def test_removing_the_last_two_passkeys_at_once_leaves_one():
    officer = make_user(make_portal("lpse-kunci"), role=Role.HELPDESK, username="helpdesk-k")
    first, second = add_passkey(officer, 1), add_passkey(officer, 2)

    results = run_at_once(
        lambda: passkey_remove(user=officer, passkey_id=first.pk),
        lambda: passkey_remove(user=officer, passkey_id=second.pk),
    )

    assert results == ["refused", "removed"]
    assert Passkey.objects.filter(user=officer).count() == 1
