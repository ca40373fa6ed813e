"""A portal administrator sets the portal's second-factor policy: require a factor of
vendor administrators, and whether vendors or staff may have a browser remembered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.accounts.models import RememberedBrowser, Role
from inaproc.audit.models import AuditEvent
from tests.factories import make_company_member, make_portal, make_user
from tests.helpers import session_of, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/lpse-a/staf/pengaturan/faktor-kedua/"


@pytest.fixture
def admin(portal_a):
    return make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin")


def test_the_admin_requires_a_factor_of_vendors_and_it_is_audited(portal_a, admin):
    vendor = make_user(portal_a, username="penyedia")
    make_company_member(vendor, role="admin")
    client = signed_in(admin)

    response = client.post(
        URL, {"require_second_factor_for_vendor_admins": "on", "remember_browser_for_staff": ""}
    )

    assert response.status_code == 302
    portal_a.refresh_from_db()
    assert portal_a.require_second_factor_for_vendor_admins is True
    assert portal_a.remember_browser_for_staff is False
    event = AuditEvent.objects.get(verb="portal.second_factor_policy_changed")
    assert event.actor == admin
    assert event.payload == {"require_second_factor_for_vendor_admins": {"old": False, "new": True}}
    # The vendor is now walked to enrolment.
    vendor_client = signed_in(vendor, second_factor=False)
    assert vendor_client.get("/lpse-a/dasbor/")["Location"] == "/lpse-a/akun/faktor-kedua/"


def test_saving_without_a_change_records_nothing(portal_a, admin):
    response = signed_in(admin).post(URL, {})

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb="portal.second_factor_policy_changed").exists()


def test_turning_remembering_off_forgets_the_remembered_browsers(portal_a, admin):
    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    vendor = make_user(portal_a, username="penyedia")
    RememberedBrowser.objects.create(
        user=vendor, token_hash="x" * 64, expires_at=timezone.now() + timedelta(days=3)
    )

    signed_in(admin).post(URL, {"remember_browser_for_vendors": ""})

    assert not RememberedBrowser.objects.filter(user=vendor).exists()


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIER, Role.HELPDESK])
def test_only_portal_admins_may_change_it(portal_a, role):
    user = make_user(portal_a, role=role, username="orang")

    response = signed_in(user).post(URL, {"require_second_factor_for_vendor_admins": "on"})

    assert response.status_code == 403
    portal_a.refresh_from_db()
    assert portal_a.require_second_factor_for_vendor_admins is False


def test_an_admin_of_another_portal_is_a_stranger_here(portal_a):
    other = make_portal("lpse-b")
    admin_b = make_user(other, role=Role.PORTAL_ADMIN, username="admin")

    response = signed_in(admin_b).post(URL, {"require_second_factor_for_vendor_admins": "on"})

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/")
    portal_a.refresh_from_db()
    assert portal_a.require_second_factor_for_vendor_admins is False


def test_the_page_asks_for_the_factor_again_after_ten_minutes(portal_a, admin):
    client = signed_in(admin)
    user_session = session_of(client)
    user_session.second_factor_at = timezone.now() - timedelta(minutes=11)
    user_session.save()

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/akun/konfirmasi-faktor/?next=")
