"""The flow of issue 3, in a real browser: a company registers with its documents →
confirms its email by the link → a correct password shows "waiting for verification" →
a verifier reviews the data beside the documents and approves → the vendor logs in.

Screenshots for docs/registration.md are written to test-artifacts/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from inaproc.accounts.models import Role
from tests.e2e.helpers import LOGIN_BUTTON, second_step, solve_captcha
from tests.e2e.test_accessibility import violations
from tests.factories import DEFAULT_PASSWORD, make_portal, make_totp_device, make_user
from tests.helpers import run_task_worker
from tests.vendors.builders import kbli_sample, pdf_bytes, png_bytes

pytestmark = pytest.mark.e2e

NPWP_TYPED = "01.234.567.4-101.000"
NPWP = "0012345674101000"
PASSWORD = "sawah-hijau-membentang-luas-9"
COMPANY = "PT Sinar Nusantara Konstruksi"
EMAIL = "pengadaan@sinar-nusantara.example.id"


def pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/lpse-a/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    solve_captcha(page)
    page.locator(LOGIN_BUTTON).click()


def fill_registration(page: Page) -> None:
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
    # The KBLI picker: search by number, add; the second code typed straight in.
    page.locator("#kbli-query").fill("41011")
    page.locator("[data-kbli-search]").click()
    page.locator("[data-kbli-results] button").first.click()
    expect(page.locator("#id_sectors")).to_have_value(re.compile(r"41011"))
    page.locator("#id_sectors").fill(page.locator("#id_sectors").input_value() + ", 43211")
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
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.locator("#id_consent").check()


def test_register_confirm_approve_and_log_in(
    live_server, page: Page, browser: Browser, artifacts_dir, settings
):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    portal = make_portal("lpse-a", name="LPSE Alpha", helpdesk_email="lpse@example.id")
    verifier_user = make_user(
        portal, role=Role.VERIFIER, username="verifikator", full_name="Sari Verifikator"
    )
    make_totp_device(verifier_user)  # staff have a second factor (set up at first login)
    kbli_sample()
    base = live_server.url

    # From the login page to the registration form.
    page.goto(f"{base}/lpse-a/masuk/")
    page.locator("a[href='/lpse-a/pendaftaran/']").first.click()
    expect(page).to_have_url(f"{base}/lpse-a/pendaftaran/")
    assert violations(page) == [], "registration form"

    # A wrong CAPTCHA: everything typed comes back, and the files are kept (issue 14);
    # only the passwords are typed again.
    fill_registration(page)
    page.locator("input[name=captcha_1]").fill("salah")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("#id_captcha_errors")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value(COMPANY)
    expect(page.locator("#id_sectors")).to_have_value(re.compile(r"41011.*43211"))
    expect(page.locator(".held-uploads li")).to_have_count(6)
    assert violations(page) == [], "registration form with errors"

    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    solve_captcha(page)
    page.screenshot(path=artifacts_dir / "registration-form.png", full_page=True)
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page).to_have_url(f"{base}/lpse-a/pendaftaran/terkirim/")
    # Issue 14 item 4: the address this browser typed, in full (a typo would show).
    expect(page.locator("main")).to_contain_text("pengadaan@sinar-nusantara.example.id")
    page.screenshot(path=artifacts_dir / "registration-check-email.png", full_page=True)
    assert violations(page) == [], "check your email"

    # Before confirming, a correct password shows only the status.
    log_in(page, base, NPWP_TYPED, PASSWORD)
    expect(page).to_have_url(f"{base}/lpse-a/pendaftaran/status/")
    expect(page.locator("main")).to_contain_text("pe***@sinar-nusantara.example.id")

    # The confirmation link from the email: opening it confirms nothing, the button does.
    run_task_worker()
    [confirmation] = [m for m in mail.outbox if m.to == [EMAIL]]
    link = re.search(r"http://\S+/pendaftaran/konfirmasi/\S+/", confirmation.body).group(0)
    assert link.startswith(base)
    page.goto(link)
    expect(page).to_have_url(f"{base}/lpse-a/pendaftaran/konfirmasi/")
    expect(page.locator("main")).to_contain_text(COMPANY)
    page.screenshot(path=artifacts_dir / "registration-confirm.png", full_page=True)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)
    assert violations(page) == [], "email confirmed"
    # The link works once.
    page.goto(link)
    page.goto(f"{base}/lpse-a/pendaftaran/konfirmasi/")
    expect(page.locator("main form button[type=submit]")).to_have_count(0)

    # A wrong password: the ordinary message, no status.
    log_in(page, base, NPWP, "bukan-kata-sandinya-sama-sekali")
    expect(page).to_have_url(f"{base}/lpse-a/masuk/")
    expect(page.get_by_role("alert")).to_be_visible()
    # The right one: "waiting for verification since …".
    log_in(page, base, NPWP, PASSWORD)
    expect(page).to_have_url(f"{base}/lpse-a/pendaftaran/status/")
    expect(page.locator("main")).to_contain_text(re.compile(r"\d{2}:\d{2} WIB"))
    page.screenshot(path=artifacts_dir / "registration-status-waiting.png", full_page=True)
    assert violations(page) == [], "status page"

    # The verifier: dashboard → queue → the registration, data beside documents.
    office = browser.new_context(viewport={"width": 1400, "height": 1000})
    verifier = office.new_page()
    verifier_errors: list[str] = []
    verifier.on("console", lambda m: verifier_errors.append(m.text) if m.type == "error" else None)
    log_in(verifier, base, "verifikator", DEFAULT_PASSWORD)
    second_step(verifier, verifier_user)
    expect(verifier).to_have_url(f"{base}/lpse-a/dasbor/")
    verifier.locator("a[href='/lpse-a/staf/verifikasi/']").first.click()
    expect(verifier.locator("table")).to_contain_text(COMPANY)
    verifier.screenshot(path=artifacts_dir / "verification-queue.png", full_page=True)
    assert violations(verifier) == [], "queue"
    verifier.get_by_role("link", name=COMPANY).click()
    expect(verifier).to_have_url(re.compile(r"/lpse-a/staf/verifikasi/\d+/$"))
    expect(verifier.locator("main")).to_contain_text("Budi Santoso")
    # Every document is previewed in the page: PDFs in frames, the PNG as an image.
    expect(verifier.locator("iframe")).to_have_count(5)
    expect(verifier.locator("img.document-image")).to_have_count(1)
    verifier.wait_for_timeout(500)
    verifier.screenshot(path=artifacts_dir / "verification-review.png", full_page=True)
    assert violations(verifier) == [], "review"

    # Approving needs the checklist.
    approve_form = verifier.locator("form:has(input[value=approve])")
    approve_form.locator("button[type=submit]").click()
    expect(verifier.locator("main")).to_contain_text(COMPANY)
    for box in approve_form.locator("input[type=checkbox]").all():
        box.check()
    approve_form.locator("button[type=submit]").click()
    expect(verifier).to_have_url(re.compile(r"/lpse-a/staf/verifikasi/(#.*)?$"))
    expect(verifier.locator(".messages")).to_contain_text(COMPANY)
    assert verifier_errors == []  # no CSP violation from the previews
    office.close()

    # The approval email carries this portal's login link; the vendor logs in.
    run_task_worker()
    approval = [m for m in mail.outbox if m.to == [EMAIL]][-1]
    assert f"{base}/lpse-a/masuk/" in approval.body
    log_in(page, base, NPWP_TYPED, PASSWORD)
    expect(page).to_have_url(f"{base}/lpse-a/dasbor/")
    page.locator("a[href='/lpse-a/perusahaan/']").first.click()
    expect(page.locator("h1")).to_have_text(COMPANY)
    expect(page.locator("main")).to_contain_text("41011")
    page.screenshot(path=artifacts_dir / "vendor-company.png", full_page=True)
    assert violations(page) == [], "company page"
    assert page.console_errors == []
