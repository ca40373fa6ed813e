"""Two administrators acting at the same moment, on PostgreSQL: the lock on the company's
member rows serves them one after the other, so the company never ends up without an
active administrator; two submits of one invitation create one account."""

import pytest
from django.core.exceptions import ValidationError

from inaproc.accounts.models import User
from inaproc.vendors.companies.services.invitations import InvitationState, invitation_accept
from inaproc.vendors.companies.services.members import (
    MemberActionRefused,
    is_active_admin,
    member_role_change,
    member_suspend,
)
from inaproc.vendors.models import CompanyMember, CompanyRole
from tests import helpers
from tests.factories import make_portal
from tests.helpers import POSTGRESQL_CONCURRENT
from tests.vendors.member_builders import add_member, approved_company, invite

pytestmark = POSTGRESQL_CONCURRENT

PASSWORD = "kereta-malam-ke-surabaya-58"


def all_at_once(calls):
    """The calls at once; a refusal is returned, not raised."""
    return helpers.all_at_once(calls, refusals=(MemberActionRefused, ValidationError))


@pytest.fixture
def two_admins():
    company, first = approved_company(make_portal("lpse-konkuren-anggota"))
    second = add_member(company, first, role=CompanyRole.ADMIN).user
    return company, first, second


def active_admins(company) -> list[CompanyMember]:
    members = CompanyMember.objects.select_related("user").filter(company=company)
    return [m for m in members if is_active_admin(m)]


def test_two_administrators_demoting_each_other_at_once_leave_one(two_admins):
    company, first, second = two_admins
    calls = [
        lambda actor=actor, target=target: member_role_change(
            company=company,
            member_id=target.company_membership.pk,
            role=CompanyRole.VIEWER,
            actor=actor,
        )
        for actor, target in ((first, second), (second, first))
    ]

    results = all_at_once(calls)

    assert sum(r is True for r in results) == 1
    assert sum(isinstance(r, MemberActionRefused) for r in results) == 1
    assert len(active_admins(company)) == 1


def test_two_administrators_suspending_each_other_at_once_leave_one(two_admins):
    company, first, second = two_admins
    calls = [
        lambda actor=actor, target=target: member_suspend(
            company=company, member_id=target.company_membership.pk, actor=actor
        )
        for actor, target in ((first, second), (second, first))
    ]

    results = all_at_once(calls)

    assert sum(r is True for r in results) == 1
    assert len(active_admins(company)) == 1


def test_two_administrators_demoting_themselves_at_once_leave_one(two_admins):
    company, first, second = two_admins
    calls = [
        lambda actor=actor: member_role_change(
            company=company,
            member_id=actor.company_membership.pk,
            role=CompanyRole.BID_PREPARER,
            actor=actor,
        )
        for actor in (first, second)
    ]

    results = all_at_once(calls)

    assert sum(r is True for r in results) == 1
    assert len(active_admins(company)) == 1


def test_two_submits_of_one_invitation_at_once_create_one_account(two_admins):
    company, first, _second = two_admins
    _invitation, token = invite(company, first)
    calls = [
        lambda username=username: invitation_accept(
            portal=company.portal, token=token, username=username, password=PASSWORD
        )
        for username in ("satu", "dua")
    ]

    results = all_at_once(calls)

    states = sorted(result[0] for result in results)
    assert states == sorted([InvitationState.CREATED, InvitationState.ACCEPTED])
    assert User.objects.filter(username__in=["satu", "dua"]).count() == 1
    assert CompanyMember.objects.filter(company=company).count() == 3
