"""Issue 14, item 4: the applicant sees the address it typed and corrects a mistyped one
while it is unconfirmed (status page after a correct password), under the resend limit."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.models import RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import (
    EmailNotCorrectable,
    registration_email_correct,
)
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import login_post
from tests.vendors.builders import (
    company_data,
    confirmation_token_of,
    register,
    register_approved,
    register_submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STATUS = "/lpse-a/pendaftaran/status/"
CORRECT = "/lpse-a/pendaftaran/status/email/"
REGISTERED = "/lpse-a/pendaftaran/terkirim/"
CONFIRM = "/lpse-a/pendaftaran/konfirmasi/"
CONFIRM_TEMPLATE = "vendors/email/registration_confirm"
TYPO = "budi@exampel.id"
RIGHT = "budi@example.id"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


@pytest.fixture
def mistyped(portal_a):
    return register(portal_a, company=company_data(email=TYPO))


def signed(client, registration):
    """This browser proved the password: it holds the registration's grant."""
    response = login_post(client, "lpse-a", registration.applicant.username, DEFAULT_PASSWORD)
    assert response.headers["Location"] == STATUS
    return client


def token_sent_to(address: str) -> str:
    email = Email.objects.filter(template=CONFIRM_TEMPLATE, to=address).latest("pk")
    return confirmation_token_of(email.body)


def confirm(client, token: str):
    client.get(f"{CONFIRM}{token}/")
    return client.post(CONFIRM)


def test_the_status_page_offers_the_correction_with_the_address_masked(client, mistyped):
    page = signed(client, mistyped).get(STATUS)

    assert page.status_code == 200
    assert "Is the address wrong?" in page.text
    assert f'action="{CORRECT}"' in page.text
    assert 'name="email"' in page.text
    assert "bu***@exampel.id" in page.text
    assert TYPO not in page.text  # a password proves the account, not this browser's typing


def test_a_corrected_address_replaces_the_old_link_and_the_new_one_works(client, mistyped):
    old_token = token_sent_to(TYPO)

    response = signed(client, mistyped).post(CORRECT, {"email": RIGHT})

    assert response.status_code == 302
    assert response.headers["Location"] == STATUS
    page = client.get(STATUS)
    assert f"The email address is now {RIGHT}." in page.text
    assert f"we sent a link to {RIGHT}." in page.text  # the address it typed, in full
    mistyped.refresh_from_db()
    assert mistyped.applicant.email == RIGHT
    assert mistyped.company.email == RIGHT
    assert mistyped.status == RegistrationStatus.EMAIL_UNCONFIRMED
    assert not Email.objects.filter(to=TYPO).exclude(pk=Email.objects.earliest("pk").pk).exists()

    stale = confirm(Client(), old_token)
    assert "<h1>This link does not work</h1>" in stale.text
    mistyped.refresh_from_db()
    assert mistyped.status == RegistrationStatus.EMAIL_UNCONFIRMED

    confirmed = confirm(Client(), token_sent_to(RIGHT))
    assert "<h1>Email confirmed</h1>" in confirmed.text
    mistyped.refresh_from_db()
    assert mistyped.status == RegistrationStatus.SUBMITTED


def test_the_correction_is_audited_with_both_addresses(client, mistyped):
    signed(client, mistyped).post(CORRECT, {"email": RIGHT})

    event = AuditEvent.objects.get(verb="registration.email_corrected")
    assert event.payload == {"old": TYPO, "new": RIGHT}
    assert event.actor_id == mistyped.applicant_id
    assert event.target_id == str(mistyped.pk)
    assert event.ip_address


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("budi@", "Enter a valid email address."),
        ("", "This field is required."),
        (TYPO.upper(), "This is the address the registration already has."),
        ("a" * 250 + "@x.id", "Ensure this value has at most 254 characters"),
    ],
)
def test_a_bad_address_is_refused_next_to_the_field(client, mistyped, typed, message):
    response = signed(client, mistyped).post(CORRECT, {"email": typed})

    assert response.status_code == 200
    assert message in response.text
    assert 'id="id_email_errors"' in response.text
    assert response.text.count("autofocus") == 1
    assert "<title>Error – " in response.text
    mistyped.refresh_from_db()
    assert mistyped.applicant.email == TYPO
    assert Email.objects.count() == 1
    assert not AuditEvent.objects.filter(verb="registration.email_corrected").exists()


def test_corrections_share_the_resend_limit(client, mistyped):
    with time_machine.travel(START, tick=False):
        signed(client, mistyped)
        client.post("/lpse-a/pendaftaran/kirim-ulang/", {"return_to": "status"})
        client.post(CORRECT, {"email": RIGHT})  # the third link within the hour

        response = client.post(CORRECT, {"email": "budi@example.com"})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3601"
    assert "Wait 61 minutes before asking for another one" in response.text
    mistyped.refresh_from_db()
    assert mistyped.applicant.email == RIGHT
    assert Email.objects.count() == 3
    with time_machine.travel(START + timedelta(hours=1, seconds=1), tick=False):
        assert client.post(CORRECT, {"email": "budi@example.com"}).status_code == 302


@pytest.mark.parametrize("builder", [register_submitted, register_approved])
def test_a_confirmed_address_is_no_longer_corrected_here(client, portal_a, builder):
    registration = builder(portal_a, company=company_data(email=TYPO))
    before = Email.objects.count()
    if registration.status != RegistrationStatus.APPROVED:
        signed(client, registration)
        assert "Is the address wrong?" not in client.get(STATUS).text

    response = client.post(CORRECT, {"email": RIGHT})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.applicant.email == TYPO
    assert registration.company.email == TYPO
    assert Email.objects.count() == before
    if registration.status == RegistrationStatus.APPROVED:
        assert response.headers["Location"] == "/lpse-a/masuk/"  # no grant for the approved
    else:
        assert response.headers["Location"] == STATUS
        assert "already confirmed, so it can no longer be corrected here" in (
            client.get(STATUS).text
        )


def test_the_service_refuses_a_confirmed_registration(portal_a):
    registration = register_submitted(portal_a)

    with pytest.raises(EmailNotCorrectable):
        registration_email_correct(
            registration_id=registration.pk, portal=portal_a, new_email=RIGHT
        )


def test_correcting_needs_the_grant(client, mistyped):
    response = client.post(CORRECT, {"email": RIGHT})

    assert response.headers["Location"] == "/lpse-a/masuk/"
    mistyped.refresh_from_db()
    assert mistyped.applicant.email == TYPO
    assert client.get(CORRECT).status_code == 405


def test_only_the_browser_that_typed_it_sees_the_address_in_full(client, mistyped):
    signed(client, mistyped).post(CORRECT, {"email": RIGHT})
    assert RIGHT in client.get(STATUS).text

    other = signed(Client(), mistyped)
    for page in (other.get(STATUS), other.get(REGISTERED)):
        assert RIGHT not in page.text
        assert "bu***@example.id" in page.text
    anonymous = Client().get(REGISTERED)
    assert RIGHT not in anonymous.text
    assert "***@" not in anonymous.text
