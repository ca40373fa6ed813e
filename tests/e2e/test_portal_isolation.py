"""Flow 3: one NPWP on two portals is two accounts; a session on one is nothing on the other."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from inaproc.demo.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_VENDOR_NPWP
from tests.e2e.helpers import solve_captcha

pytestmark = pytest.mark.e2e

# Indonesian texts (msgstr in inaproc/locale/id/LC_MESSAGES/django.po).
LOG_IN = "Masuk"
USERNAME = "Nama Pengguna atau NPWP"
PASSWORD = "Kata Sandi"
DASHBOARD = "Dasbor"
INVALID_LOGIN = (
    "Nama pengguna atau kata sandi salah. Periksa keduanya lalu coba lagi; "
    "kata sandi membedakan huruf besar dan huruf kecil."
)


def _vendor_password(slug: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.portal == slug and a.role == "vendor")


def _log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label(USERNAME, exact=True).fill(username)
    page.get_by_label(PASSWORD, exact=True).fill(password)
    solve_captcha(page)
    page.get_by_role("button", name=LOG_IN, exact=True).click()


def test_same_npwp_on_two_portals_is_two_separate_accounts(live_server, page: Page):
    call_command("load_demo", force=True, stdout=io.StringIO())
    password_a = _vendor_password("kemenkeu")
    password_b = _vendor_password("surabaya")
    assert password_a != password_b
    base = live_server.url
    h1 = page.get_by_role("heading", level=1)

    # Log in on portal A.
    page.goto(base + "/kemenkeu/masuk/")
    _log_in(page, DEMO_VENDOR_NPWP, password_a)
    expect(page).to_have_url(base + "/kemenkeu/dasbor/")
    expect(h1).to_have_text(DASHBOARD)
    expect(page.get_by_role("main")).to_contain_text("LPSE Kementerian Keuangan")

    # Same browser, same cookie: portal B does not know this session.
    page.goto(base + "/surabaya/dasbor/")
    expect(page).to_have_url(base + "/surabaya/masuk/?next=%2Fsurabaya%2Fdasbor%2F")
    expect(h1).to_have_text(LOG_IN)
    expect(page.get_by_role("banner").get_by_role("link", name=LOG_IN, exact=True)).to_be_visible()

    # Portal A's password is not portal B's.
    _log_in(page, DEMO_VENDOR_NPWP, password_a)
    expect(page).to_have_url(base + "/surabaya/masuk/?next=%2Fsurabaya%2Fdasbor%2F")
    expect(page.get_by_role("alert")).to_have_text(INVALID_LOGIN)
    expect(h1).to_have_text(LOG_IN)

    # Portal B's own password works there (typed as the dotted legacy NPWP).
    _log_in(page, "01.234.567.4-101.000", password_b)
    expect(page).to_have_url(base + "/surabaya/dasbor/")
    expect(h1).to_have_text(DASHBOARD)
    expect(page.get_by_role("main")).to_contain_text("LPSE Kota Surabaya")
    assert page.console_errors == []
