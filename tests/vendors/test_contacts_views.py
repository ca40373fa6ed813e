"""The company's contact data: phone and address change at once (audited, old → new); the
email changes only once a link sent to the new address is used (the old address is told),
with step-up, single-use links, a newer request replacing the older, and a throttle."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.models import CompanyRole, EmailChange
from tests.factories import make_totp_device, make_user
from tests.helpers import signed_in
from tests.vendors.change_builders import approved, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CONTACT_URL = "/lpse-a/perusahaan/kontak/"
EMAIL_URL = "/lpse-a/perusahaan/kontak/email/"
CONFIRM_URL = "/lpse-a/perusahaan/email/konfirmasi/"
NEW_EMAIL = "pengadaan-baru@example.id"
CONFIRM_TEMPLATE = "vendors/email/company_email_confirm"
NOTICE_TEMPLATE = "vendors/email/company_email_change_notice"


def contact_data(company, **changes) -> dict:
    data = {
        "street": company.street,
        "city": company.city,
        "province": company.province,
        "postal_code": company.postal_code,
        "phone": company.phone,
    }
    data.update(changes)
    return data


def link_path(email: Email) -> str:
    return re.search(r"https?://[^/]+(/lpse-\w/perusahaan/email/konfirmasi/\S+/)", email.body)[1]


def request_change(client, email: str = NEW_EMAIL):
    return client.post(EMAIL_URL, {"email": email})


# --- Phone and address --------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, registration):
    for url in (CONTACT_URL, EMAIL_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/lpse-a/masuk/?next=")


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.BID_PREPARER])
def test_company_users_who_are_not_admins_are_forbidden(registration, role):
    client = signed_in(member(registration.company, role=role))
    before = registration.company.phone

    assert client.get(CONTACT_URL).status_code == 403
    assert (
        client.post(CONTACT_URL, contact_data(registration.company, phone="0811")).status_code
        == 403
    )
    assert request_change(client).status_code == 403
    registration.company.refresh_from_db()
    assert registration.company.phone == before
    assert not EmailChange.objects.exists()
    assert not Email.objects.filter(template=CONFIRM_TEMPLATE).exists()


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_staff_are_forbidden(portal_a, registration, role):
    client = signed_in(make_user(portal_a, role=role))

    assert client.get(CONTACT_URL).status_code == 403
    assert client.get(EMAIL_URL).status_code == 403


def test_admin_of_another_portal_is_anonymous_here(portal_b, registration):
    client = signed_in(approved(portal_b).applicant)

    response = client.post(CONTACT_URL, contact_data(registration.company, phone="0811"))

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/")


def test_the_form_is_pre_filled(admin, registration):
    page = admin.get(CONTACT_URL)

    assert page.status_code == 200
    assert len(re.findall(r"<h1[\s>]", page.text)) == 1
    assert f'value="{registration.company.street}"' in page.text
    assert f'value="{registration.company.phone}"' in page.text
    assert registration.company.email in page.text


def test_phone_and_address_change_at_once_audited_with_old_and_new(admin, registration):
    company = registration.company
    old_phone, old_street = company.phone, company.street

    response = admin.post(
        CONTACT_URL, contact_data(company, phone="(021) 555-0199", street="Jl. Merdeka No. 9")
    )

    assert response.status_code == 302
    assert response["Location"] == "/lpse-a/perusahaan/"
    company.refresh_from_db()
    assert company.phone == "+62215550199"
    assert company.street == "Jl. Merdeka No. 9"
    event = AuditEvent.objects.get(verb="company.contact_updated")
    assert event.actor == registration.applicant
    assert event.payload == {
        "changes": {
            "phone": [old_phone, "+62215550199"],
            "street": [old_street, "Jl. Merdeka No. 9"],
        }
    }
    viewer = signed_in(member(company, role=CompanyRole.VIEWER))
    assert "<dd>Jl. Merdeka No. 9</dd>" in viewer.get("/lpse-a/perusahaan/").text


def test_saving_the_same_data_changes_nothing(admin, registration):
    response = admin.post(CONTACT_URL, contact_data(registration.company), follow=True)

    assert "Nothing was changed." in response.text
    assert not AuditEvent.objects.filter(verb="company.contact_updated").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "\x00"),
        ("phone", "+62" + "9" * 100),
        ("street", "Jl. \x00"),
        ("street", "x" * 5000),
        ("province", "atlantis"),
        ("postal_code", "12"),
    ],
)
def test_bad_contact_data_is_refused_next_to_its_field(admin, registration, field, value):
    before = registration.company.phone, registration.company.street

    response = admin.post(CONTACT_URL, contact_data(registration.company, **{field: value}))

    assert response.status_code == 200
    assert f'id="id_{field}_errors"' in response.text
    registration.company.refresh_from_db()
    assert (registration.company.phone, registration.company.street) == before
    assert not AuditEvent.objects.filter(verb="company.contact_updated").exists()


# --- The email address --------------------------------------------------------------------


def test_changing_the_email_asks_for_the_second_factor_again(registration):
    make_totp_device(registration.applicant)
    # Signed in, but the session's second-factor check is not fresh.
    client = signed_in(registration.applicant, second_factor=False)

    page = client.get(EMAIL_URL)
    post = request_change(client)

    for response in (page, post):
        assert response.status_code == 302
        assert response["Location"].startswith("/lpse-a/akun/konfirmasi-faktor/?next=")
    assert not EmailChange.objects.exists()
    assert not Email.objects.filter(template=CONFIRM_TEMPLATE).exists()


def test_a_link_goes_to_the_new_address_and_a_notice_to_the_old_one(admin, registration):
    company = registration.company
    old_email = company.email

    response = request_change(admin)

    assert response.status_code == 302
    assert response["Location"] == CONTACT_URL
    company.refresh_from_db()
    assert company.email == old_email  # not before the link is used
    confirm = Email.objects.get(template=CONFIRM_TEMPLATE)
    notice = Email.objects.get(template=NOTICE_TEMPLATE)
    assert confirm.to == NEW_EMAIL
    assert "/lpse-a/perusahaan/email/konfirmasi/" in confirm.body
    assert notice.to == old_email
    assert NEW_EMAIL in notice.body
    assert "If this wasn't you, contact the portal's helpdesk" in notice.body
    assert "konfirmasi" not in notice.body
    change = EmailChange.objects.get()
    assert (change.old_email, change.new_email, change.user) == (
        old_email,
        NEW_EMAIL,
        registration.applicant,
    )
    assert abs(change.expires_at - change.created_at - timedelta(hours=48)).total_seconds() < 5
    event = AuditEvent.objects.get(verb="company.email_change_requested")
    assert event.payload == {"old": old_email, "new": NEW_EMAIL}
    assert NEW_EMAIL in admin.get(CONTACT_URL).text


def test_the_same_or_a_bad_address_is_refused(admin, registration):
    for email in (registration.company.email.upper(), "bukan-email", "a@b\x00.id", "x" * 300):
        response = request_change(admin, email)
        assert response.status_code == 200
        assert 'id="id_email_errors"' in response.text
    assert not EmailChange.objects.exists()


def test_opening_the_link_changes_nothing_and_the_button_confirms_once(client, admin, registration):
    request_change(admin)
    path = link_path(Email.objects.get(template=CONFIRM_TEMPLATE))

    opened = client.get(path)
    page = client.get(CONFIRM_URL)
    registration.company.refresh_from_db()
    assert opened.status_code == 302
    assert opened["Location"] == CONFIRM_URL
    assert registration.company.email != NEW_EMAIL
    assert "Confirm the new address" in page.text
    assert "konfirmasi/" not in page.text.split("<main", 1)[1].split("</main>")[0].replace(
        CONFIRM_URL, ""
    )

    done = client.post(CONFIRM_URL)

    registration.company.refresh_from_db()
    assert registration.company.email == NEW_EMAIL
    assert "Company email changed" in done.text
    assert EmailChange.objects.get().confirmed_at is not None
    event = AuditEvent.objects.get(verb="company.email_changed")
    assert event.payload["new"] == NEW_EMAIL
    client.get(path)
    assert "Email already confirmed" in client.post(CONFIRM_URL).text
    assert AuditEvent.objects.filter(verb="company.email_changed").count() == 1


def test_a_newer_request_replaces_the_older_link(client, admin, registration):
    request_change(admin, "pertama@example.id")
    first = link_path(Email.objects.get(template=CONFIRM_TEMPLATE, to="pertama@example.id"))
    request_change(admin, "kedua@example.id")

    client.get(first)
    response = client.post(CONFIRM_URL)

    assert "This link was replaced" in response.text
    registration.company.refresh_from_db()
    assert registration.company.email not in ("pertama@example.id", "kedua@example.id")


def test_cancelling_makes_the_link_stop_working(client, admin, registration):
    request_change(admin)
    path = link_path(Email.objects.get(template=CONFIRM_TEMPLATE))

    admin.post(EMAIL_URL, {"action": "cancel"})
    client.get(path)
    response = client.post(CONFIRM_URL)

    assert "This link was replaced" in response.text
    assert AuditEvent.objects.filter(verb="company.email_change_cancelled").count() == 1
    registration.company.refresh_from_db()
    assert registration.company.email != NEW_EMAIL


def test_an_expired_link_changes_nothing(client, admin, registration):
    request_change(admin)
    path = link_path(Email.objects.get(template=CONFIRM_TEMPLATE))

    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        client.get(path)
        response = client.post(CONFIRM_URL)

    assert "This link has expired" in response.text
    registration.company.refresh_from_db()
    assert registration.company.email != NEW_EMAIL


def test_a_link_of_one_portal_does_nothing_on_another(client, portal_b, admin, registration):
    request_change(admin)
    path = link_path(Email.objects.get(template=CONFIRM_TEMPLATE))

    client.get(path.replace("/lpse-a/", "/lpse-b/"))
    response = client.post("/lpse-b/perusahaan/email/konfirmasi/")

    assert "This link does not work" in response.text
    registration.company.refresh_from_db()
    assert registration.company.email != NEW_EMAIL


@pytest.mark.parametrize("token", ["%00", "a" * 300, "x"])
def test_garbage_links_say_they_do_not_work(client, portal_a, token):
    client.get(f"/lpse-a/perusahaan/email/konfirmasi/{token}/")

    for response in (client.get(CONFIRM_URL), client.post(CONFIRM_URL)):
        assert response.status_code == 200
        assert "This link does not work" in response.text


def test_at_most_three_links_an_hour(admin, registration):
    for n in range(3):
        assert request_change(admin, f"alamat{n}@example.id").status_code == 302

    refused = request_change(admin, "keempat@example.id")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Wait" in refused.text
    assert not Email.objects.filter(to="keempat@example.id").exists()
    assert EmailChange.objects.count() == 3
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        client = signed_in(registration.applicant)
        assert request_change(client, "kelima@example.id").status_code == 302
