"""Flow 3: one NPWP on two portals is two accounts; a session on one is nothing on the
other; one browser may be signed in on both at once (docs/decisions/0015)."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from inaproc.demo.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_VENDOR_NPWP
from tests.e2e.helpers import solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user

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

    # Same browser: portal B does not know portal A's session.
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

    # Signing in on portal B left portal A signed in.
    page.goto(base + "/kemenkeu/dasbor/")
    expect(page).to_have_url(base + "/kemenkeu/dasbor/")
    expect(page.get_by_role("main")).to_contain_text("LPSE Kementerian Keuangan")


LOG_OUT = "Keluar ({name})"
PASSWORD_B = "kata-sandi-lain-di-portal-kedua"


def test_one_browser_signed_in_on_two_portals_at_once(live_server, context, page: Page):
    """Issue 15 item 2: a vendor bidding on two LPSEs of one host signs in on both in one
    browser (two tabs); both dashboards stay reachable; logging out of one leaves the
    other signed in. Each portal's cookies carry its own name and path."""
    portal_a = make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")
    portal_b = make_portal("lpse-b", name="LPSE Beta", institution="Pemerintah Kota Beta")
    npwp = "0012345674101000"
    make_user(portal_a, username=npwp, full_name="PT Alpha Jaya")
    make_user(portal_b, username=npwp, full_name="PT Alpha Jaya", password=PASSWORD_B)
    base = live_server.url
    tab_a, tab_b = page, context.new_page()

    tab_a.goto(base + "/lpse-a/masuk/")
    _log_in(tab_a, npwp, DEFAULT_PASSWORD)
    expect(tab_a).to_have_url(base + "/lpse-a/dasbor/")
    tab_b.goto(base + "/lpse-b/masuk/")
    _log_in(tab_b, npwp, PASSWORD_B)
    expect(tab_b).to_have_url(base + "/lpse-b/dasbor/")

    # Both at once: each tab reloads its portal's dashboard, still signed in.
    for tab, slug, portal_name in ((tab_a, "lpse-a", "LPSE Alpha"), (tab_b, "lpse-b", "LPSE Beta")):
        tab.reload()
        expect(tab).to_have_url(f"{base}/{slug}/dasbor/")
        expect(tab.get_by_role("heading", level=1)).to_have_text(DASHBOARD)
        expect(tab.get_by_role("banner")).to_contain_text(portal_name)
    sessions = {c["name"]: c for c in context.cookies() if c["name"].startswith("inaproc_session")}
    assert sorted(sessions) == ["inaproc_session_lpse-a", "inaproc_session_lpse-b"]
    assert sessions["inaproc_session_lpse-a"]["path"] == "/lpse-a/"
    assert sessions["inaproc_session_lpse-a"]["httpOnly"]

    # Log out of portal A (the header's POST form): portal B is still signed in.
    tab_a.get_by_role("banner").get_by_role(
        "button", name=LOG_OUT.format(name=npwp), exact=True
    ).click()
    expect(tab_a).to_have_url(base + "/lpse-a/sudah-keluar/")
    tab_b.reload()
    expect(tab_b).to_have_url(base + "/lpse-b/dasbor/")
    expect(tab_b.get_by_role("heading", level=1)).to_have_text(DASHBOARD)
    tab_a.goto(base + "/lpse-a/dasbor/")
    expect(tab_a).to_have_url(base + "/lpse-a/masuk/?next=%2Flpse-a%2Fdasbor%2F")
    assert tab_a.console_errors == []
