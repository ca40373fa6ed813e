"""`company_member_of` (the access rule of a company user's pages) and the dashboard's
panels, which read the user's membership once for all of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.vendors.companies.access import company_member_of
from inaproc.vendors.models import RegistrationStatus
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.member_builders import add_member, approved_company

pytestmark = pytest.mark.django_db


def test_a_member_of_an_approved_company_of_this_portal(portal_a):
    company, admin = approved_company(portal_a)
    member = add_member(company, admin)

    assert company_member_of(portal=portal_a, user=admin).company == company
    assert company_member_of(portal=portal_a, user=member.user) == member


def test_no_membership_when_suspended_another_portal_not_approved_or_not_a_vendor(
    portal_a, portal_b
):
    company, admin = approved_company(portal_a)
    suspended = add_member(company, admin)
    suspended.suspended_at = timezone.now()
    suspended.save(update_fields=["suspended_at"])
    registration = company.registration

    assert company_member_of(portal=portal_a, user=suspended.user) is None
    assert company_member_of(portal=portal_b, user=admin) is None
    assert company_member_of(portal=portal_a, user=make_user(portal_a)) is None
    type(registration).objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.CHANGES_REQUESTED
    )
    admin.refresh_from_db()
    assert company_member_of(portal=portal_a, user=admin) is None


def test_the_dashboard_reads_the_membership_once_for_its_panels(portal_a):
    company, admin = approved_company(portal_a)
    client = signed_in(admin, english=True)

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/lpse-a/dasbor/")

    assert 'id="panel-company-users"' in page.text and 'id="panel-vendor"' in page.text
    assert company.name in page.text
    memberships = [q for q in captured if q["sql"].startswith('SELECT "vendors_companymember"')]
    assert len(memberships) == 1
