"""The flow of issue 4: wrong password ×5 → locked message → email → reset by the link
→ logged in with the new password → the account's other session has ended."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.helpers import run_task_worker

pytestmark = pytest.mark.e2e

# Indonesian texts (msgstr in inaproc/locale/id/LC_MESSAGES/django.po).
LOG_IN = "Masuk"
USERNAME = "Nama Pengguna atau NPWP"
PASSWORD = "Kata Sandi"
WRONG_LOGIN = "Nama pengguna atau kata sandi salah"
LOCKED = "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal"
TRIES_LEFT = "Tersisa {} kali percobaan lagi sebelum nama pengguna ini dikunci selama 15 menit."
RESET_LINK = "atur ulang kata sandi Anda"
HELPDESK_LINK = "hubungi helpdesk"
EMAILED = (
    "Jika nama pengguna ini terdaftar sebagai akun, tautan untuk mengatur ulang "
    "kata sandinya telah dikirim ke alamat email akun tersebut."
)
NEW_PASSWORD = "Kata Sandi Baru"
NEW_PASSWORD_AGAIN = "Ulangi Kata Sandi Baru"
SET_PASSWORD = "Simpan kata sandi baru"
PASSWORD_SET = "Kata sandi baru Anda telah diatur"

NPWP = "0012345674101000"
NEW = "layang-layang-terbang-tinggi-di-pantai"


def log_in(page: Page, base: str, password: str) -> None:
    page.goto(base + "/lpse-a/masuk/")
    page.get_by_label(USERNAME, exact=True).fill(NPWP)
    page.get_by_label(PASSWORD, exact=True).fill(password)
    solve_captcha(page)
    page.get_by_role("button", name=LOG_IN, exact=True).click()


def test_locked_out_vendor_resets_by_email_and_other_session_ends(
    live_server, page: Page, browser: Browser, artifacts_dir, settings
):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    portal = make_portal("lpse-a", name="LPSE Alpha", helpdesk_phone="021 555 0101")
    make_user(portal, username=NPWP, full_name="PT Alpha Jaya", email="alpha@example.id")
    base = live_server.url

    # At the office, the vendor is already signed in.
    office = browser.new_context()
    office_page = office.new_page()
    log_in(office_page, base, DEFAULT_PASSWORD)
    expect(office_page).to_have_url(base + "/lpse-a/dasbor/")

    # Elsewhere, five wrong passwords: four ordinary errors (from the third one with the
    # tries left before the lock), then the lock, until when.
    for attempt in range(5):
        log_in(page, base, f"bukan-kata-sandinya-{attempt}-lagi")
        if attempt < 4:
            expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN)
        if attempt < 2:
            expect(page.get_by_role("alert").locator("p")).to_have_count(1)
        elif attempt < 4:
            expect(page.get_by_role("alert")).to_contain_text(TRIES_LEFT.format(4 - attempt))
            if attempt == 2:
                page.screenshot(path=artifacts_dir / "login-tries-left.png", full_page=True)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(LOCKED)
    expect(alert).to_contain_text(re.compile(r"\d{2}:\d{2} WIB"))
    expect(alert).to_contain_text(EMAILED)
    expect(alert).not_to_contain_text("Tersisa")
    page.screenshot(path=artifacts_dir / "login-locked.png", full_page=True)

    # The lock message links the password reset and the helpdesk of this portal.
    helpdesk = alert.get_by_role("link", name=HELPDESK_LINK, exact=True)
    expect(helpdesk).to_have_attribute("href", "/lpse-a/bantuan/")
    alert.get_by_role("link", name=RESET_LINK, exact=True).click()
    expect(page).to_have_url(base + "/lpse-a/lupa-kata-sandi/")

    # Even the right password is refused while the lock holds, with the same guidance.
    log_in(page, base, DEFAULT_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text(LOCKED)
    expect(page.get_by_role("alert").get_by_role("link")).to_have_count(2)

    # The owner got an email with a reset link.
    run_task_worker()
    [lock_email] = [m for m in mail.outbox if m.to == ["alpha@example.id"]]
    reset_url = re.search(r"http://\S+/atur-ulang-kata-sandi/\S+/", lock_email.body).group(0)
    assert reset_url.startswith(base)

    # The link leads to the new-password form (the token leaves the address bar).
    page.goto(reset_url)
    expect(page).to_have_url(re.compile(r"/set-password/$"))
    page.get_by_label(NEW_PASSWORD, exact=True).fill(NEW)
    page.get_by_label(NEW_PASSWORD_AGAIN, exact=True).fill(NEW)
    page.get_by_role("button", name=SET_PASSWORD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PASSWORD_SET)

    # The lock is gone: the new password logs in at once.
    log_in(page, base, NEW)
    expect(page).to_have_url(base + "/lpse-a/dasbor/")

    # The office session was ended by the reset.
    office_page.goto(base + "/lpse-a/dasbor/")
    expect(office_page).to_have_url(base + "/lpse-a/masuk/?next=%2Flpse-a%2Fdasbor%2F")
    office.close()

    # The reset link works only once.
    page.goto(reset_url)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Atur Kata Sandi Baru")
    assert page.console_errors == []
