"""Opening a helpdesk ticket: the form (CAPTCHA only when not signed in), the number and
the confirmation email with the private link, attachments, bad input and the throttle."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import AccountEmailRequest
from inaproc.helpdesk.models import Ticket, TicketAttachment, TicketCategory, TicketStatus
from inaproc.helpdesk.services.tickets import OPENED_EMAIL
from inaproc.notifications.models import Email
from tests.factories import make_user
from tests.helpdesk.ticket_builders import TOKEN_IN_LINK, open_ticket
from tests.helpers import captcha_answer, signed_in
from tests.vendors.builders import pdf_bytes, png_bytes, register_approved

pytestmark = pytest.mark.django_db

NEW = "/lpse-a/bantuan/tiket/baru/"
SENT = "/lpse-a/bantuan/tiket/terkirim/"
EMAIL = "budi@example.id"


def occurred(hours: int = 1) -> str:
    return (timezone.localtime() - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides) -> dict:
    data = {
        "category": TicketCategory.LOGIN,
        "name": "Budi Santoso",
        "npwp": "01.234.567.4-101.000",
        "email": EMAIL,
        "occurred_at": occurred(),
        "description": "The page says my account is locked since this morning.",
    }
    data.update(overrides)
    return data


def post_anonymously(client: Client, url: str = NEW, **overrides):
    page = client.get(url)
    return client.post(url, {**form_data(**overrides), **captcha_answer(page)})


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


# ---------------------------------------------------------------------------
# The happy paths
# ---------------------------------------------------------------------------


def test_a_visitor_opens_a_ticket_with_the_captcha_and_gets_its_number_by_email(
    client, portal_a, english
):
    page = client.get(NEW)
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert 'name="captcha_1"' in page.text

    response = client.post(NEW, {**form_data(), **captcha_answer(page)})

    assert response.status_code == 302
    assert response["Location"] == SENT
    ticket = Ticket.objects.get()
    assert (ticket.portal, ticket.number, ticket.reference) == (portal_a, 1, "HD-000001")
    assert ticket.status == TicketStatus.OPEN
    assert ticket.npwp == "0012345674101000"
    assert ticket.requester is None
    assert ticket.access_token_hash
    sent = client.get(SENT)
    assert "HD-000001" in sent.text
    assert "bu***@example.id" in sent.text
    [email] = Email.objects.filter(template=OPENED_EMAIL)
    assert email.to == EMAIL
    assert "[HD-000001]" in email.subject
    link = TOKEN_IN_LINK.search(email.body)
    assert link and f"/lpse-a/bantuan/tiket/{link.group(1)}/" in email.body
    assert link.group(1) not in ticket.access_token_hash


def test_the_time_it_happened_is_pre_filled_with_now(client, portal_a):
    page = client.get(NEW)

    now = timezone.localtime().strftime("%Y-%m-%dT%H:")
    assert f'value="{now}' in page.text
    assert 'type="datetime-local"' in page.text


def test_numbers_count_per_portal(portal_a, portal_b):
    first_a, _token = open_ticket(portal_a)
    second_a, _token = open_ticket(portal_a, email="siti@example.id")
    first_b, _token = open_ticket(portal_b)

    assert (first_a.number, second_a.number, first_b.number) == (1, 2, 1)
    assert second_a.reference == "HD-000002"


def test_a_signed_in_vendor_gets_email_and_npwp_pre_filled_and_no_captcha(client, portal_a):
    registration = register_approved(portal_a)
    vendor = registration.applicant
    signed_in(vendor, client=client)

    page = client.get(NEW)

    assert 'name="captcha_1"' not in page.text
    assert f'value="{vendor.email}"' in page.text
    assert f'value="{registration.company.npwp}"' in page.text
    response = client.post(NEW, form_data(email=vendor.email, npwp=registration.company.npwp))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.requester == vendor
    sent = client.get(SENT)
    assert f'href="/lpse-a/bantuan/tiket/{ticket.number}/"' in sent.text


def test_attachments_are_checked_and_stored_with_the_ticket(client, portal_a, document_root):
    files = [
        SimpleUploadedFile("layar.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("surat.pdf", pdf_bytes(), content_type="application/pdf"),
    ]

    response = post_anonymously(client, attachments=files)

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    names = sorted(
        TicketAttachment.objects.filter(ticket=ticket).values_list("original_name", flat=True)
    )
    assert names == ["layar.png", "surat.pdf"]
    assert all(a.message is None for a in ticket.attachments.all())
    assert len(stored_files(document_root)) == 2


# ---------------------------------------------------------------------------
# Bad input: a clear message next to the field, nothing saved, nothing sent
# ---------------------------------------------------------------------------


def assert_nothing_saved(document_root=None) -> None:
    assert Ticket.objects.count() == 0
    assert Email.objects.count() == 0
    if document_root is not None:
        assert stored_files(document_root) == []


def test_a_wrong_captcha_opens_nothing(client, portal_a, english):
    page = client.get(NEW)
    answer = {**captcha_answer(page), "captcha_1": "salah"}

    response = client.post(NEW, {**form_data(), **answer})

    assert response.status_code == 200
    assert "The characters do not match the image" in response.text
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("npwp", "12345", "Enter the NPWP as 15 digits"),
        ("npwp", "01.234.567.5-101.000", "This NPWP is not valid"),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "budi\x00@example.id", "Null characters are not allowed."),
        ("description", "help", "Ensure this value has at least 10 characters"),
        ("description", "x" * 5001, "Ensure this value has at most 5000 characters"),
        ("description", "Locked out\x00 of my account", "Null characters are not allowed."),
        ("category", "\x00", "Select a valid choice."),
        ("occurred_at", "kemarin", "Enter a valid date/time."),
        ("occurred_at", "0001-01-01T00:00", "Enter a time within the last year."),
        ("name", "x" * 201, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, portal_a, field, value, message, english):

    response = post_anonymously(client, **{field: value})

    assert response.status_code == 200
    assert message in response.text
    assert f'id="id_{field}_errors"' in response.text
    assert_nothing_saved()


def test_a_time_in_the_future_is_refused(client, portal_a, english):
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = post_anonymously(client, occurred_at=future)

    assert "This time is in the future." in response.text
    assert_nothing_saved()


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_stored(
    client, portal_a, document_root, english
):
    files = [
        SimpleUploadedFile("layar.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
    ]

    response = post_anonymously(client, attachments=files)

    assert response.status_code == 200
    assert "virus.pdf: Only PDF, JPEG or PNG files are accepted" in response.text
    assert "Your files were not kept" in response.text
    assert_nothing_saved(document_root)


def test_more_than_five_files_are_refused(client, portal_a, document_root, english):
    files = [
        SimpleUploadedFile(f"f{n}.png", png_bytes(), content_type="image/png") for n in range(6)
    ]

    response = post_anonymously(client, attachments=files)

    assert "Attach at most 5 files." in response.text
    assert_nothing_saved(document_root)


def test_the_form_needs_a_post_with_csrf(portal_a):
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(NEW, form_data())

    assert response.status_code == 403
    assert_nothing_saved()


def test_the_sent_page_without_a_ticket_goes_back_to_the_form(client, portal_a):
    response = client.get(SENT)

    assert response.status_code == 302
    assert response["Location"] == NEW


def test_the_sent_page_of_one_portal_says_nothing_on_another(client, portal_a, portal_b):
    post_anonymously(client)

    response = client.get("/lpse-b/bantuan/tiket/terkirim/")

    assert response.status_code == 302
    assert response["Location"] == "/lpse-b/bantuan/tiket/baru/"


# ---------------------------------------------------------------------------
# Throttling: the form cannot be used to flood a mailbox
# ---------------------------------------------------------------------------


def test_a_fourth_ticket_for_one_address_within_an_hour_waits(client, portal_a, english):
    for n in range(3):
        open_ticket(portal_a, email="BUDI@example.id", description=f"Problem number {n} here")

    response = post_anonymously(client)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Several tickets were opened for this address" in response.text
    assert Ticket.objects.count() == 3
    assert Email.objects.filter(template=OPENED_EMAIL).count() == 3


def test_the_address_limit_is_per_portal(client, portal_a, portal_b):
    for n in range(3):
        open_ticket(portal_b, description=f"Problem number {n} here")

    response = post_anonymously(client)

    assert response.status_code == 302


def test_one_network_address_shares_the_email_request_limit(client, portal_a, settings):
    settings.ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS = 2
    assert post_anonymously(client, email="a@example.id").status_code == 302
    assert post_anonymously(client, email="b@example.id").status_code == 302

    response = post_anonymously(client, email="c@example.id")

    assert response.status_code == 429
    assert AccountEmailRequest.objects.filter(kind="helpdesk_ticket").count() == 2
    assert Ticket.objects.count() == 2


def test_staff_may_open_a_ticket_too_without_a_captcha(client, portal_a):
    from inaproc.accounts.models import Role

    officer = make_user(portal_a, role=Role.HELPDESK, username="helpdesk-a")
    signed_in(officer, client=client)

    response = client.post(NEW, form_data(email=officer.email))

    assert response.status_code == 302
    assert Ticket.objects.get().requester == officer


@pytest.mark.parametrize(
    ("site_url", "domain", "expected"),
    [
        ("http://127.0.0.1:8000", "", "http://127.0.0.1:8000/lpse-a/bantuan/tiket/"),
        ("http://127.0.0.1:8000", "lpse-a.test", "http://lpse-a.test:8000/lpse-a/bantuan/tiket/"),
        (
            "https://lpse.example.id",
            "lpse-a.example.id",
            "https://lpse-a.example.id/lpse-a/bantuan/tiket/",
        ),
    ],
)
def test_the_emailed_ticket_link_keeps_the_port_and_opens_the_ticket(
    client, settings, portal_a, site_url, domain, expected
):
    """The private link leads back to where the portal is served, port included (it
    pointed at port 80 for a portal on its own domain under `make run`), and opens the
    ticket there."""
    settings.SITE_URL = site_url
    portal_a.domain = domain
    portal_a.save()

    ticket, token = open_ticket(portal_a)

    body = Email.objects.get(template=OPENED_EMAIL).body
    link = f"{expected}{token}/"
    assert link in body
    parts = urlsplit(link)
    on_its_host = {"HTTP_HOST": parts.netloc, "secure": parts.scheme == "https"}
    opened = client.get(parts.path, **on_its_host)
    assert opened.status_code == 302  # the token leaves the address bar
    assert ticket.reference in client.get(opened.headers["Location"], **on_its_host).text
