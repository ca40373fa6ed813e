"""A portal administrator sets the helpdesk contacts the portal shows to everyone."""

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from tests.factories import make_portal, make_user
from tests.helpers import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/lpse-a/staf/pengaturan/kontak/"
NEW_CONTACTS = {
    "helpdesk_phone": "(021) 555-0199",
    "helpdesk_email": "bantuan@lpse-a.example.id",
    "helpdesk_hours": "Senin–Jumat 08.00–16.00 WIB",
    "helpdesk_address": "Jl. Merdeka 1\nJakarta",
}


@pytest.fixture
def admin(portal_a):
    return make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin")


def test_the_admin_changes_the_contacts_shown_on_the_contact_page_and_it_is_audited(
    portal_a, admin
):
    response = signed_in(admin).post(URL, NEW_CONTACTS)

    assert response.status_code == 302
    portal_a.refresh_from_db()
    assert portal_a.helpdesk_email == "bantuan@lpse-a.example.id"
    assert portal_a.helpdesk_address == "Jl. Merdeka 1\nJakarta"
    event = AuditEvent.objects.get(verb="portal.contacts_changed")
    assert event.actor == admin
    assert event.payload["helpdesk_phone"]["new"] == "(021) 555-0199"
    assert "bantuan@lpse-a.example.id" in Client().get("/lpse-a/bantuan/").text


def test_saving_the_same_contacts_records_nothing(portal_a, admin):
    client = signed_in(admin)
    client.post(URL, NEW_CONTACTS)
    client.post(URL, NEW_CONTACTS)

    assert AuditEvent.objects.filter(verb="portal.contacts_changed").count() == 1


def test_a_bad_email_is_refused_next_to_its_field_and_nothing_changes(portal_a, admin):
    before = portal_a.helpdesk_email
    response = signed_in(admin).post(URL, {**NEW_CONTACTS, "helpdesk_email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    portal_a.refresh_from_db()
    assert portal_a.helpdesk_email == before
    assert not AuditEvent.objects.filter(verb="portal.contacts_changed").exists()


@pytest.mark.parametrize("role", [Role.HELPDESK, Role.VERIFIER, Role.VENDOR])
def test_other_roles_may_not_change_the_contacts(portal_a, role):
    before = portal_a.helpdesk_phone
    user = make_user(portal_a, role=role)

    response = signed_in(user).post(URL, NEW_CONTACTS)

    assert response.status_code == 403
    portal_a.refresh_from_db()
    assert portal_a.helpdesk_phone == before


def test_another_portals_admin_cannot_reach_the_page(portal_a):
    other = make_portal("lpse-b")
    stranger = make_user(other, role=Role.PORTAL_ADMIN)
    client = signed_in(stranger)

    response = client.post(URL, NEW_CONTACTS)

    assert response.status_code in (302, 403, 404)
    portal_a.refresh_from_db()
    assert portal_a.helpdesk_phone != NEW_CONTACTS["helpdesk_phone"]


def test_anonymous_visitors_are_sent_to_the_login(portal_a):
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/")
