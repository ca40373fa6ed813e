"""Two removals of an account's last two second factors at once, on PostgreSQL: the
account's row lock orders them, so one succeeds and the other is refused."""

from inaproc.accounts.models import Passkey, Role
from inaproc.accounts.services.factors import (
    LastRequiredFactorError,
    has_second_factor,
    totp_remove,
)
from inaproc.accounts.services.passkeys import passkey_remove
from tests.factories import make_passkey, make_portal, make_totp_device, make_user
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once

pytestmark = POSTGRESQL_CONCURRENT


def run_at_once(*removals) -> list[str]:
    """Each removal in its own thread and connection, released together."""

    def outcome(result) -> str:
        if isinstance(result, LastRequiredFactorError):
            return "refused"
        return "removed" if result else "not found"

    return sorted(map(outcome, all_at_once(removals, refusals=(LastRequiredFactorError,))))


def test_removing_the_app_and_the_passkey_at_once_leaves_one_factor():
    officer = make_user(make_portal("lpse-faktor"), role=Role.HELPDESK, username="helpdesk-f")
    make_totp_device(officer)
    passkey = make_passkey(officer, 1)

    results = run_at_once(
        lambda: totp_remove(user=officer),
        lambda: passkey_remove(user=officer, passkey_id=passkey.pk),
    )

    assert results == ["refused", "removed"]
    assert has_second_factor(officer)


def test_removing_the_last_two_passkeys_at_once_leaves_one():
    officer = make_user(make_portal("lpse-kunci"), role=Role.HELPDESK, username="helpdesk-k")
    first, second = make_passkey(officer, 1), make_passkey(officer, 2)

    results = run_at_once(
        lambda: passkey_remove(user=officer, passkey_id=first.pk),
        lambda: passkey_remove(user=officer, passkey_id=second.pk),
    )

    assert results == ["refused", "removed"]
    assert Passkey.objects.filter(user=officer).count() == 1
