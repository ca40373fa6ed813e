"""The removal services themselves refuse to remove the last second factor of an account
that must have one (the check and the delete in one transaction, under the account's
row lock); accounts that need no factor may remove their last one."""

import pytest

from inaproc.accounts.models import Passkey, Role
from inaproc.accounts.services.factors import (
    LastRequiredFactorError,
    has_second_factor,
    totp_remove,
)
from inaproc.accounts.services.passkeys import passkey_remove
from inaproc.audit.models import AuditEvent
from tests.factories import make_passkey, make_totp_device, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(portal_a):
    return make_user(portal_a, role=Role.HELPDESK, username="helpdesk-a")


def test_the_only_app_of_an_account_that_needs_a_factor_is_not_removed(officer):
    device = make_totp_device(officer)

    with pytest.raises(LastRequiredFactorError):
        totp_remove(user=officer)

    device.refresh_from_db()
    assert device.confirmed
    assert not AuditEvent.objects.filter(verb="second_factor.removed").exists()


def test_the_only_passkey_of_an_account_that_needs_a_factor_is_not_removed(officer):
    passkey = make_passkey(officer)

    with pytest.raises(LastRequiredFactorError):
        passkey_remove(user=officer, passkey_id=passkey.pk)

    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert not AuditEvent.objects.filter(verb="second_factor.removed").exists()


def test_of_two_factors_one_goes_and_the_other_then_stays(officer):
    make_totp_device(officer)
    passkey = make_passkey(officer)

    assert passkey_remove(user=officer, passkey_id=passkey.pk) is True
    with pytest.raises(LastRequiredFactorError):
        totp_remove(user=officer)

    assert has_second_factor(officer)
    assert AuditEvent.objects.filter(verb="second_factor.removed").count() == 1


def test_an_account_that_needs_no_factor_may_remove_its_last_one(vendor_a):
    make_totp_device(vendor_a)
    passkey = make_passkey(vendor_a)

    assert totp_remove(user=vendor_a) is True
    assert passkey_remove(user=vendor_a, passkey_id=passkey.pk) is True

    assert not has_second_factor(vendor_a)


def test_removing_a_passkey_that_is_not_there_is_still_false(officer):
    make_passkey(officer)

    assert passkey_remove(user=officer, passkey_id=999_999) is False
