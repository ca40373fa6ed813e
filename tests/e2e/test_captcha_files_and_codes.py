"""Issue 14, items 3 and 7, in a real browser on a phone (390×844): a registration's
files survive a wrong and then an expired CAPTCHA; a registration and a ticket go
through with a code emailed instead of the image (read from the test mailbox, as the
login-code tests read theirs)."""

import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from inaproc.helpdesk.models import Ticket
from inaproc.vendors.models import Registration
from tests.e2e.helpers import solve_captcha
from tests.e2e.test_accessibility import violations
from tests.e2e.test_registration_flow import EMAIL, fill_registration
from tests.factories import make_portal
from tests.helpers import run_task_worker
from tests.vendors.builders import kbli_sample

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SEND = "form[enctype='multipart/form-data'] button[type=submit]"


def held_names(page: Page) -> list[str]:
    return sorted(
        re.search(r"Already uploaded: (\S+)", text)[1]
        for text in page.locator(".held-uploads li").all_inner_texts()
    )


def emailed_code(address: str) -> str:
    """The code in the newest email to `address` (the test mailbox; the Email row's body
    is erased once sent)."""
    run_task_worker()
    [*_, email] = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"\b(\d{6})\b", email.body)[1]


@pytest.fixture
def phone(browser: Browser, live_server, english):
    make_portal("lpse-a", name="LPSE Alpha")
    kbli_sample()
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_files_survive_a_wrong_and_an_expired_captcha(phone: Page, live_server):
    page = phone
    page.goto(f"{live_server.url}/lpse-a/pendaftaran/")
    fill_registration(page)
    expected = ["akta.pdf", "izin-1.pdf", "izin-2.pdf", "ktp.pdf", "nib.pdf", "npwp.png"]

    page.locator("input[name=captcha_1]").fill("SALAH")
    page.locator(SEND).click()
    expect(page.locator("#id_captcha_errors")).to_contain_text("do not match")
    assert held_names(page) == expected

    # The next image, answered right but after its time is over.
    page.locator("#id_password").fill("sawah-hijau-membentang-luas-9")
    page.locator("#id_password_again").fill("sawah-hijau-membentang-luas-9")
    solve_captcha(page)
    key = page.locator("input[name=captcha_0]").input_value()
    CaptchaStore.objects.filter(hashkey=key).update(expiration=timezone.now() - timedelta(1))
    page.locator(SEND).click()
    expect(page.locator("#id_captcha_errors")).to_contain_text("The image has expired.")
    assert page.locator("input[name=captcha_0]").input_value() != key
    assert held_names(page) == expected
    assert violations(page) == [], "registration after an expired image, on a phone"

    page.locator("#id_password").fill("sawah-hijau-membentang-luas-9")
    page.locator("#id_password_again").fill("sawah-hijau-membentang-luas-9")
    solve_captcha(page)
    page.locator(SEND).click()
    expect(page).to_have_url(f"{live_server.url}/lpse-a/pendaftaran/terkirim/")
    assert Registration.objects.get().company.documents.count() == len(expected)


def test_a_registration_through_an_emailed_code(phone: Page, live_server):
    page = phone
    page.goto(f"{live_server.url}/lpse-a/pendaftaran/")
    fill_registration(page)

    page.get_by_role("button", name="Email me a code instead").click()
    expect(page.get_by_role("status")).to_contain_text(f"A code is on its way to {EMAIL}")
    expect(page.locator("input[name=captcha_1]")).to_have_count(0)
    expect(page.locator("#id_email_code")).to_be_focused()  # far down the page: in view
    assert len(held_names(page)) == 6
    assert violations(page) == [], "registration asking for the emailed code, on a phone"

    page.locator("#id_email_code").fill(emailed_code(EMAIL))
    page.locator("#id_password").fill("sawah-hijau-membentang-luas-9")
    page.locator("#id_password_again").fill("sawah-hijau-membentang-luas-9")
    page.locator("#id_password_again").press("Enter")  # Enter sends the form
    expect(page).to_have_url(f"{live_server.url}/lpse-a/pendaftaran/terkirim/")
    assert Registration.objects.get().applicant.email == EMAIL


def test_a_ticket_through_an_emailed_code(phone: Page, live_server):
    page = phone
    page.goto(f"{live_server.url}/lpse-a/bantuan/tiket/baru/")
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_email").fill("budi@example.id")
    page.locator("#id_description").fill("Saya tidak dapat membaca gambar keamanan.")

    page.get_by_role("button", name="Email me a code instead").click()
    expect(page.get_by_role("status")).to_contain_text("A code is on its way to budi@example.id")
    assert violations(page) == [], "new ticket asking for the emailed code, on a phone"
    page.locator("#id_email_code").fill(emailed_code("budi@example.id"))
    page.locator(SEND).click()

    expect(page).to_have_url(f"{live_server.url}/lpse-a/bantuan/tiket/terkirim/")
    assert Ticket.objects.get().email == "budi@example.id"
