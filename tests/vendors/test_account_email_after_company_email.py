"""Issue 14, item 10: after the company's email changes, the administrator is told that
password resets go to the account's own address, and may use the company's (proven)
address for the account too: step-up, audited, the old address told."""

import re

import pytest

from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.models import CompanyRole
from tests.factories import make_totp_device
from tests.helpers import signed_in
from tests.vendors.change_builders import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CONTACT_URL = "/lpse-a/perusahaan/kontak/"
EMAIL_URL = "/lpse-a/perusahaan/kontak/email/"
ACCOUNT_URL = "/lpse-a/perusahaan/kontak/email-akun/"
CONFIRM_URL = "/lpse-a/perusahaan/email/konfirmasi/"
NEW_EMAIL = "pengadaan-baru@example.id"
NOTICE = "vendors/email/account_email_changed_notice"


def company_email_changed(client, admin_client) -> None:
    """The company's address changes to NEW_EMAIL through the existing 48 h link."""
    admin_client.post(EMAIL_URL, {"email": NEW_EMAIL})
    body = Email.objects.get(template="vendors/email/company_email_confirm").body
    client.get(re.search(r"https?://[^/]+(/lpse-a/perusahaan/email/konfirmasi/\S+/)", body)[1])
    done = client.post(CONFIRM_URL)
    assert "Company email changed" in done.text
    assert "still go to each user's own account address" in done.text


def test_the_contact_pages_say_where_resets_go_and_offer_the_company_address(
    client, admin, registration
):
    old_email = registration.applicant.email
    before = admin.get(CONTACT_URL).text
    assert f"go to your account's own address, {old_email}, not to the company's." in before
    assert f'href="{ACCOUNT_URL}"' not in before  # the same address: nothing to offer
    company_email_changed(client, admin)

    for url in (CONTACT_URL, EMAIL_URL):
        page = admin.get(url).text
        assert f"go to your account's own address, {old_email}" in page
        assert f'href="{ACCOUNT_URL}"' in page
    offer = admin.get(ACCOUNT_URL)
    assert offer.status_code == 200
    assert NEW_EMAIL in offer.text
    assert "Use the company's address for my account" in offer.text

    response = admin.post(ACCOUNT_URL)

    assert response.status_code == 302
    assert response["Location"] == CONTACT_URL
    registration.applicant.refresh_from_db()
    assert registration.applicant.email == NEW_EMAIL
    event = AuditEvent.objects.get(verb="account.email_changed")
    assert event.payload == {"old": old_email, "new": NEW_EMAIL, "from": "company_email"}
    assert event.actor_id == registration.applicant.pk
    notice = Email.objects.get(template=NOTICE)
    assert notice.to == old_email
    assert NEW_EMAIL in notice.body
    page = admin.get(CONTACT_URL).text
    assert f'href="{ACCOUNT_URL}"' not in page
    assert f"own address, {NEW_EMAIL}" in page
    # Posting again changes nothing.
    admin.post(ACCOUNT_URL)
    assert AuditEvent.objects.filter(verb="account.email_changed").count() == 1


def test_the_same_address_offers_nothing(admin, registration):
    page = admin.get(ACCOUNT_URL)

    assert page.status_code == 200
    assert "Use the company's address for my account" not in page.text
    admin.post(ACCOUNT_URL)
    assert not AuditEvent.objects.filter(verb="account.email_changed").exists()
    assert not Email.objects.filter(template=NOTICE).exists()


def test_it_needs_a_fresh_second_factor(registration):
    make_totp_device(registration.applicant)
    client = signed_in(registration.applicant, second_factor=False)

    response = client.post(ACCOUNT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/akun/konfirmasi-faktor/?next=")
    assert not AuditEvent.objects.filter(verb="account.email_changed").exists()


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.BID_PREPARER])
def test_only_administrators(client, registration, role):
    user = member(registration.company, role=role)
    signed_in(user, client=client)

    assert client.post(ACCOUNT_URL).status_code == 403
    assert not AuditEvent.objects.filter(verb="account.email_changed").exists()
