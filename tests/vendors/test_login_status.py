"""A correct password of a vendor whose registration is not approved opens the status page
of that registration (and nothing else); every other refusal keeps the one message."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from inaproc.accounts.forms.login import ONE_MESSAGE
from inaproc.accounts.models import Role
from inaproc.core.templatetags.inaproc import wib
from inaproc.notifications.models import Email
from inaproc.vendors.companies.access import REGISTRATION_SESSION_KEY
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
    registration_reject,
)
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.helpers import login_post
from tests.vendors.builders import register, register_sent_back, register_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STATUS_URL = "/lpse-a/pendaftaran/status/"


def log_in(client, registration, password=DEFAULT_PASSWORD, slug="lpse-a"):
    return login_post(client, slug, registration.applicant.username, password)


def status_after_login(client, registration):
    response = log_in(client, registration)
    assert response.status_code == 302
    assert response.headers["Location"] == STATUS_URL
    return client.get(STATUS_URL)


def in_english(value) -> str:
    with translation.override("en"):
        return wib(value)


def test_email_unconfirmed_shows_the_masked_address_and_the_resend_button(client, portal_a):
    registration = register(portal_a)
    local = registration.applicant.email.split("@")[0]

    page = status_after_login(client, registration)

    assert page.status_code == 200
    assert f"Confirm your email: we sent a link to {local[:2]}***@example.id." in page.text
    assert registration.applicant.email not in page.text
    assert 'action="/lpse-a/pendaftaran/kirim-ulang/"' in page.text
    assert '<input type="hidden" name="return_to" value="status">' in page.text
    assert "Send the link again" in page.text
    assert page.text.count("<h1") == 1


def test_send_the_link_again_comes_back_to_the_status_page(client, portal_a):
    registration = register(portal_a)
    status_after_login(client, registration)
    sent = Email.objects.filter(template="vendors/email/registration_confirm").count()

    response = client.post("/lpse-a/pendaftaran/kirim-ulang/", {"return_to": "status"})

    assert response.status_code == 302
    assert response.headers["Location"] == STATUS_URL
    assert Email.objects.filter(template="vendors/email/registration_confirm").count() == sent + 1
    assert client.get(STATUS_URL).status_code == 200


def test_submitted_shows_waiting_since_the_date_in_wib(client, portal_a):
    registration = register_submitted(portal_a)

    page = status_after_login(client, registration)

    assert f"Waiting for verification since {in_english(registration.queued_at)}." in page.text
    assert in_english(registration.queued_at).endswith(" WIB")
    assert "Send the link again" not in page.text


def test_changes_requested_shows_the_message_the_notes_and_the_way_to_correct(client, portal_a):
    registration = register_sent_back(
        portal_a,
        notes={"nib": "The NIB does not match the OSS record.", "document:npwp_card": "Blurred."},
        message="Please correct two things.",
    )

    page = status_after_login(client, registration)

    assert "Changes needed" in page.text
    assert "Please correct two things." in page.text
    assert "<dt>NIB</dt><dd>The NIB does not match the OSS record.</dd>" in page.text
    assert "<dt>NPWP card</dt><dd>Blurred.</dd>" in page.text
    assert 'href="/lpse-a/pendaftaran/perbaiki/"' in page.text


def test_rejected_shows_the_reason_and_the_helpdesk(client):
    portal = make_portal(
        "lpse-a", helpdesk_phone="021 555 0100", helpdesk_email="helpdesk@lpse-a.go.id"
    )
    registration = register_submitted(portal)
    verifier = make_user(portal, role=Role.VERIFIER)
    registration_reject(
        registration_id=registration.pk,
        portal=portal,
        verifier=verifier,
        reason="The company is not registered in OSS.",
    )

    page = status_after_login(client, registration)

    assert "<strong>Rejected:</strong> The company is not registered in OSS." in page.text
    assert "Questions about this decision? Contact the helpdesk of LPSE Uji lpse-a:" in page.text
    assert 'href="mailto:helpdesk@lpse-a.go.id"' in page.text
    assert 'href="/lpse-a/pendaftaran/perbaiki/"' not in page.text


def test_status_page_shows_nothing_of_a_signed_in_account(client, portal_a):
    registration = register_submitted(portal_a)

    page = status_after_login(client, registration)

    assert not page.context["user"].is_authenticated
    assert "/lpse-a/dasbor/" not in page.text
    assert "/lpse-a/keluar/" not in page.text
    assert "no-store" in page.headers["Cache-Control"]


def test_wrong_password_gives_the_one_message_as_for_an_unknown_user(portal_a):
    registration = register_submitted(portal_a)
    wrong, unknown = Client(), Client()

    wrong_response = log_in(wrong, registration, password="not-the-password-at-all")
    unknown_response = login_post(unknown, "lpse-a", "nobody-here-at-all", DEFAULT_PASSWORD)

    for response in (wrong_response, unknown_response):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [ONE_MESSAGE]
    assert REGISTRATION_SESSION_KEY not in wrong.session
    assert wrong.get(STATUS_URL).status_code == 302


def test_approved_vendor_logs_in_to_the_dashboard(client, portal_a):
    registration = register_submitted(portal_a)
    verifier = make_user(portal_a, role=Role.VERIFIER)
    registration_approve(registration_id=registration.pk, portal=portal_a, verifier=verifier)

    response = log_in(client, registration)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"
    assert REGISTRATION_SESSION_KEY not in client.session


def test_deactivated_approved_vendor_keeps_the_one_message(client, portal_a):
    registration = register_submitted(portal_a)
    verifier = make_user(portal_a, role=Role.VERIFIER)
    registration_approve(registration_id=registration.pk, portal=portal_a, verifier=verifier)
    registration.applicant.refresh_from_db()
    registration.applicant.is_active = False
    registration.applicant.save(update_fields=["is_active"])

    response = log_in(client, registration)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ONE_MESSAGE]
    assert REGISTRATION_SESSION_KEY not in client.session


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_deactivated_staff_account_keeps_the_one_message(client, portal_a, role):
    staff = make_user(portal_a, role=role, username="petugas")
    staff.is_active = False
    staff.save(update_fields=["is_active"])

    response = login_post(client, "lpse-a", "petugas", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ONE_MESSAGE]
    assert REGISTRATION_SESSION_KEY not in client.session


def test_deactivated_vendor_without_registration_keeps_the_one_message(client, portal_a):
    vendor = make_user(portal_a, username="penyedia-lama")
    vendor.is_active = False
    vendor.save(update_fields=["is_active"])

    response = login_post(client, "lpse-a", "penyedia-lama", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ONE_MESSAGE]


def test_status_page_without_grant_sends_to_the_login(client, portal_a):
    response = client.get(STATUS_URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/masuk/"
    login_page = client.get("/lpse-a/masuk/")
    assert "Log in with your username and password to see the status" in login_page.text


def test_grant_ends_after_thirty_minutes(client, portal_a):
    registration = register_submitted(portal_a)
    status_after_login(client, registration)

    with time_machine.travel(timezone.now() + timedelta(minutes=29), tick=False):
        assert client.get(STATUS_URL).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = client.get(STATUS_URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/masuk/"
    assert REGISTRATION_SESSION_KEY not in client.session


def test_grant_belongs_to_its_portal(client, portal_a, portal_b):
    registration = register_submitted(portal_a)
    status_after_login(client, registration)

    on_b = client.get("/lpse-b/pendaftaran/status/")

    assert on_b.status_code == 302
    assert on_b.headers["Location"] == "/lpse-b/masuk/"
    assert client.get(STATUS_URL).status_code == 200


def test_grant_is_for_the_registration_of_the_password_just_proved(client, portal_a):
    first = register_submitted(portal_a)
    second = register(portal_a)
    status_after_login(client, first)

    page = status_after_login(client, second)

    assert page.context["registration"] == second


def test_done_ends_the_grant_and_goes_home(client, portal_a):
    registration = register_submitted(portal_a)
    status_after_login(client, registration)

    response = client.post(STATUS_URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/"
    assert REGISTRATION_SESSION_KEY not in client.session
    assert client.get(STATUS_URL).status_code == 302


def test_done_needs_the_csrf_token(client, portal_a):
    registration = register_submitted(portal_a)
    status_after_login(client, registration)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies

    response = strict.post(STATUS_URL)

    assert response.status_code == 403
    assert client.get(STATUS_URL).status_code == 200


def test_status_page_shows_the_history(client, portal_a):
    registration = register_submitted(portal_a)

    page = status_after_login(client, registration)

    assert [row.event.kind for row in page.context["history"]] == [
        "registered",
        "confirmation_sent",
        "email_confirmed",
    ]
    assert "Email confirmed; waiting for verification" in page.text
    assert 'scope="col">By<' not in page.text
