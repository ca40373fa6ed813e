"""Issue 14's journey, as a new vendor on a 390×844 phone, in Indonesian: a registration
with two rounds of mistakes (every error at once, focus on the summary, "Kesalahan – " in
the title; then a wrong and an expired CAPTCHA with the files kept each time), sent with a
mistyped email; the address corrected on the status page after signing in with the
password; the link sent to the corrected address confirms; a verifier approves on the
verifier's pages; the vendor signs in. Then the same registration without JavaScript,
through to "Periksa email Anda".

The registration and the ticket through a code emailed instead of the image are in
tests/e2e/test_captcha_files_and_codes.py (test_a_registration_through_an_emailed_code,
test_a_ticket_through_an_emailed_code), on the same phone."""

import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from inaproc.accounts.models import Role
from inaproc.vendors.models import Registration, RegistrationStatus
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, solve_captcha, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.e2e.test_registration_flow import (
    COMPANY,
    EMAIL,
    NPWP_TYPED,
    PASSWORD,
    fill_registration,
    pdf_file,
)
from tests.factories import make_portal, make_user
from tests.helpers import run_task_worker
from tests.vendors.builders import kbli_sample, png_bytes

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
BASE_PATH = "/lpse-a"
TYPO = "pengadaan@sinar-nusantra.example.id"  # "nusantra": one letter short
SEND = "form[enctype='multipart/form-data'] button[type=submit]"
DOCUMENTS = ["akta.pdf", "izin-1.pdf", "izin-2.pdf", "ktp.pdf", "nib.pdf", "npwp.png"]


def held_names(page: Page) -> list[str]:
    """The files the form lists as already uploaded (Indonesian: "Sudah diunggah: …")."""
    return sorted(
        re.search(r"Sudah diunggah: (\S+)", text)[1]
        for text in page.locator(".held-uploads li").all_inner_texts()
    )


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def retype_passwords(page: Page) -> None:
    """Passwords never come back in a form: typed again after every failed submit."""
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)


def confirmation_link(address: str) -> str:
    """The confirmation link in the newest email to `address`."""
    run_task_worker()
    [*_, email] = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"http://\S+/pendaftaran/konfirmasi/\S+/", email.body)[0]


def expire_captcha(page: Page) -> str:
    """The challenge on the page, answered right, made to have run out: as if the vendor
    took longer than its lifetime over the form. Returns its key."""
    solve_captcha(page)
    key = page.locator("input[name=captcha_0]").input_value()
    CaptchaStore.objects.filter(hashkey=key).update(expiration=timezone.now() - timedelta(1))
    return key


@pytest.fixture
def portal(live_server, settings):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    portal = make_portal("lpse-a", name="LPSE Alpha", helpdesk_email="lpse@example.id")
    kbli_sample()
    return portal


def phone_context(browser: Browser, **options) -> BrowserContext:
    context = browser.new_context(viewport=PHONE, is_mobile=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def test_a_vendor_on_a_phone_registers_through_its_mistakes_and_signs_in(
    live_server, browser: Browser, portal
):
    base = live_server.url + BASE_PATH
    context = phone_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/pendaftaran/")
    assert not page.title().startswith("Kesalahan")

    # Round 1: a bad NPWP, a bad NIB, a bad postal code, a short password and no KTP.
    fill_registration(page)
    page.locator("#id_email").fill(TYPO)
    page.locator("#id_npwp").fill("12345")
    page.locator("#id_nib").fill("123")
    page.locator("#id_postal_code").fill("6027")
    page.locator("#id_password").fill("pendek")
    page.locator("#id_password_again").fill("pendek")
    page.locator("#id_document_representative_id").set_input_files([])
    solve_captcha(page)
    page.locator(SEND).click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    assert focused_id(page) == "form-errors"
    assert page.title().startswith("Kesalahan – ")
    assert page.evaluate(
        "(() => { const box = document.getElementById('form-errors').getBoundingClientRect();"
        " return box.top >= 0 && box.top < window.innerHeight; })()"
    ), "the error summary is in view"
    # Every error in this one round, by its field and in the summary.
    for field in ("npwp", "nib", "postal_code", "password", "document_representative_id"):
        expect(page.locator(f"#id_{field}_errors")).to_be_visible()
        expect(summary.locator(f"a[href='#id_{field}']")).to_have_count(1)
    # The files that passed their checks are kept; only the KTP is missing.
    assert held_names(page) == [name for name in DOCUMENTS if name != "ktp.pdf"]
    expect(page.locator("#id_email")).to_have_value(TYPO)
    assert Registration.objects.count() == 0
    assert violations(page) == [], "registration, first round of errors, on a phone"

    # Round 2: the fields put right and the KTP chosen, then a wrong CAPTCHA …
    page.locator("#id_npwp").fill(NPWP_TYPED)
    page.locator("#id_nib").fill("9120001234567")
    page.locator("#id_postal_code").fill("60271")
    retype_passwords(page)
    page.locator("#id_document_representative_id").set_input_files([pdf_file("ktp.pdf")])
    page.locator("input[name=captcha_1]").fill("SALAH")
    page.locator(SEND).click()
    expect(page.locator("#id_captcha_errors")).to_contain_text("tidak sesuai")
    assert page.title().startswith("Kesalahan – ")
    assert held_names(page) == DOCUMENTS  # the KTP of this submit too

    # … and an image answered right after its time ran out: said plainly, a new image.
    retype_passwords(page)
    expired = expire_captcha(page)
    page.locator(SEND).click()
    expect(page.locator("#id_captcha_errors")).to_contain_text("Gambar sudah kedaluwarsa")
    assert page.locator("input[name=captcha_0]").input_value() != expired
    assert held_names(page) == DOCUMENTS
    expect(page.locator("#id_npwp")).to_have_value(re.compile(r"01\.?234"))
    assert violations(page) == [], "registration after an expired image, on a phone"

    # The submit that goes through, with the email still mistyped.
    retype_passwords(page)
    solve_captcha(page)
    page.locator(SEND).click()
    expect(page).to_have_url(f"{base}/pendaftaran/terkirim/")
    expect(page.locator("h1")).to_have_text("Periksa email Anda")
    expect(page.locator("main")).to_contain_text(TYPO)  # in full: the typo shows
    registration = Registration.objects.get()
    assert registration.company.documents.count() == len(DOCUMENTS)
    assert violations(page) == [], "check your email, on a phone"
    typo_link = confirmation_link(TYPO)

    # Signed in with the password: the status page, where the address is corrected.
    log_in(page, live_server.url, "lpse-a", NPWP_TYPED, PASSWORD)
    expect(page).to_have_url(f"{base}/pendaftaran/status/")
    # Masked after a sign-in (not this browser's own input), the mistyped domain shows.
    expect(page.locator("#registration-status")).to_contain_text("pe***@sinar-nusantra.example.id")
    assert violations(page) == [], "status page, email unconfirmed, on a phone"
    page.locator("#id_email").fill(EMAIL)
    page.get_by_role("button", name="Perbaiki alamat").click()
    expect(page).to_have_url(f"{base}/pendaftaran/status/")
    expect(page.locator(".messages")).to_contain_text(EMAIL)
    expect(page.locator("#registration-status")).to_contain_text(EMAIL)
    registration.refresh_from_db()
    assert registration.applicant.email == EMAIL
    assert registration.company.email == EMAIL
    assert violations(page) == [], "status page after the correction, on a phone"

    # The link sent to the mistyped address no longer confirms anything.
    page.goto(typo_link)
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED

    # The link sent to the corrected address does.
    page.goto(confirmation_link(EMAIL))
    expect(page).to_have_url(f"{base}/pendaftaran/konfirmasi/")
    expect(page.locator("main")).to_contain_text(COMPANY)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert violations(page) == [], "email confirmed, on a phone"

    # The verifier, at the office: queue → the registration → approve with the checklist.
    verifier_user = make_user(portal, role=Role.VERIFIER, username="verifikator")
    office = browser.new_context(viewport={"width": 1280, "height": 900})
    office.set_default_timeout(TIMEOUT_MS)
    verifier = office.new_page()
    staff_log_in(verifier, live_server.url, verifier_user)
    verifier.goto(f"{base}/staf/verifikasi/")
    verifier.get_by_role("link", name=COMPANY).click()
    expect(verifier).to_have_url(re.compile(r"/lpse-a/staf/verifikasi/\d+/$"))
    expect(verifier.locator("main")).to_contain_text(EMAIL)
    approve_form = verifier.locator("form:has(input[value=approve])")
    for box in approve_form.locator("input[type=checkbox]").all():
        box.check()
    approve_form.locator("button[type=submit]").click()
    expect(verifier).to_have_url(re.compile(r"/lpse-a/staf/verifikasi/(#.*)?$"))
    expect(verifier.locator(".messages")).to_contain_text(COMPANY)
    office.close()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED

    # The approval goes to the corrected address; the vendor signs in on the phone.
    run_task_worker()
    assert f"{base}/masuk/" in [m for m in mail.outbox if m.to == [EMAIL]][-1].body
    assert [m.to for m in mail.outbox].count([TYPO]) == 1  # only the first link went there
    log_in(page, live_server.url, "lpse-a", NPWP_TYPED, PASSWORD)
    expect(page).to_have_url(f"{base}/dasbor/")
    expect(page.locator("main")).to_contain_text(COMPANY)
    assert violations(page) == [], "the vendor's dashboard, on a phone"
    assert errors == [], "no script error or CSP violation on the way"
    context.close()


def fill_registration_without_javascript(page: Page) -> None:
    """The registration form as a browser without JavaScript shows it: the KBLI codes typed
    straight into their field (the picker needs a script)."""
    page.locator("#id_name").fill(COMPANY)
    page.locator("#id_legal_form").select_option("pt")
    page.locator("#id_npwp").fill(NPWP_TYPED)
    page.locator("#id_nib").fill("9120001234567")
    page.locator("#id_province").select_option("jawa_timur")
    page.locator("#id_city").fill("Kota Surabaya")
    page.locator("#id_street").fill("Jl. Pemuda No. 17")
    page.locator("#id_postal_code").fill("60271")
    page.locator("#id_phone").fill("0812-3456-7890")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_sectors").fill("41011, 43211")
    page.locator("#id_representative_name").fill("Budi Santoso")
    page.locator("#id_representative_nik").fill("3171011708450001")
    page.locator("#id_representative_position").fill("Direktur Utama")
    page.locator("#id_document_nib").set_input_files([pdf_file("nib.pdf")])
    page.locator("#id_document_npwp_card").set_input_files(
        [{"name": "npwp.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#id_document_business_licence").set_input_files(
        [pdf_file("izin-1.pdf"), pdf_file("izin-2.pdf")]
    )
    page.locator("#id_document_deed_of_establishment").set_input_files([pdf_file("akta.pdf")])
    page.locator("#id_document_representative_id").set_input_files([pdf_file("ktp.pdf")])
    retype_passwords(page)
    page.locator("#id_consent").check()


def test_the_same_registration_without_javascript(live_server, browser: Browser, portal):
    base = live_server.url + BASE_PATH
    context = phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/pendaftaran/")

    # One mistake (a wrong CAPTCHA and a short password): everything comes back, focused.
    fill_registration_without_javascript(page)
    page.locator("#id_password").fill("pendek")
    page.locator("#id_password_again").fill("pendek")
    page.locator("input[name=captcha_1]").fill("SALAH")
    page.locator(SEND).click()
    expect(page.locator("#id_captcha_errors")).to_be_visible()
    expect(page.locator("#id_password_errors")).to_be_visible()
    expect(page.locator("#form-errors")).to_be_focused()  # autofocus, no script
    assert page.title().startswith("Kesalahan – ")
    assert held_names(page) == DOCUMENTS
    expect(page.locator("#id_name")).to_have_value(COMPANY)
    expect(page.locator("#id_sectors")).to_have_value(re.compile(r"41011.*43211"))

    # "Tampilkan gambar lain" (a submit button without a script) keeps the files too.
    first_key = page.locator("input[name=captcha_0]").input_value()
    page.locator(".captcha-refresh").click()
    assert page.locator("input[name=captcha_0]").input_value() != first_key
    assert held_names(page) == DOCUMENTS

    retype_passwords(page)
    solve_captcha(page)
    page.locator(SEND).click()
    expect(page).to_have_url(f"{base}/pendaftaran/terkirim/")
    expect(page.locator("h1")).to_have_text("Periksa email Anda")
    expect(page.locator("main")).to_contain_text(EMAIL)
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED
    assert registration.company.documents.count() == len(DOCUMENTS)
    context.close()
