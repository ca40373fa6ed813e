"""A staff member may hold several roles on one portal (docs/decisions/0011)."""

import pytest

from inaproc.accounts.models import Role, StaffRole
from tests.factories import make_portal, make_user

pytestmark = pytest.mark.django_db


def test_granted_roles_count_as_roles_the_account_holds():
    verifier = make_user(make_portal(), role=Role.VERIFIER)
    StaffRole.objects.create(user=verifier, role=Role.PPK)
    verifier.refresh_from_db()

    assert verifier.roles == {Role.VERIFIER, Role.PPK}
    assert verifier.has_role(Role.PPK)
    assert not verifier.has_role(Role.POKJA)


def test_an_inactive_account_holds_no_role():
    official = make_user(make_portal(), role=Role.POKJA)
    official.is_active = False
    assert not official.has_role(Role.POKJA)


def test_a_vendor_account_is_never_asked_for_grants(django_assert_num_queries):
    vendor = make_user(make_portal(), role=Role.VENDOR)
    vendor.refresh_from_db()
    with django_assert_num_queries(0):
        assert vendor.has_role(Role.VENDOR)


def test_only_portal_staff_roles_can_be_granted():
    from django.db import IntegrityError, transaction

    official = make_user(make_portal(), role=Role.PPK)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=official, role=Role.VENDOR)


def test_officials_must_have_a_second_factor_like_other_staff():
    from inaproc.accounts.services.factors import second_factor_required

    portal = make_portal()
    for role in (Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN):
        assert second_factor_required(make_user(portal, role=role))


def test_officials_do_not_open_vendors_registration_documents():
    from inaproc.vendors.companies.access import DOCUMENT_STAFF_ROLES

    assert DOCUMENT_STAFF_ROLES.isdisjoint({Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN})
