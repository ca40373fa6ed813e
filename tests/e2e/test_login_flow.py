"""Flow 1: from the platform home to a portal, log in, log out, and stay logged out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user

pytestmark = pytest.mark.e2e

# Indonesian texts (msgstr in inaproc/locale/id/LC_MESSAGES/django.po).
LOG_IN = "Masuk"
USERNAME = "Nama Pengguna atau NPWP"
PASSWORD = "Kata Sandi"
DASHBOARD = "Dasbor"
LOG_OUT = "Keluar ({name})"
LOGGED_OUT = "Anda telah keluar"

NPWP = "0012345674101000"


def test_visitor_logs_in_and_out_through_the_portal(live_server, page: Page, artifacts_dir):
    make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")
    portal_b = make_portal("lpse-b", name="LPSE Beta", institution="Pemerintah Kota Beta")
    make_user(portal_b, username=NPWP, full_name="PT Beta Jaya")
    base = live_server.url
    banner = page.get_by_role("banner")
    h1 = page.get_by_role("heading", level=1)

    # The platform home lists both portals, in Indonesian although Chromium asks for en-US.
    response = page.goto(base + "/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "id")
    main = page.get_by_role("main")
    expect(main.get_by_role("listitem")).to_have_count(2)
    expect(main.get_by_role("link", name="LPSE Alpha", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="LPSE Beta", exact=True)).to_be_visible()

    # A portal card leads to that portal's home.
    main.get_by_role("link", name="LPSE Beta", exact=True).click()
    expect(page).to_have_url(base + "/lpse-b/")
    expect(h1).to_have_text("LPSE Beta")
    expect(banner).to_contain_text("Pemerintah Kota Beta")

    # The header's login link leads to this portal's login page.
    banner.get_by_role("link", name=LOG_IN, exact=True).click()
    expect(page).to_have_url(base + "/lpse-b/masuk/")
    expect(h1).to_have_text(LOG_IN)
    expect(page.get_by_label(USERNAME, exact=True)).to_be_focused()  # autofocus
    page.screenshot(path=artifacts_dir / "login-page.png", full_page=True)

    page.get_by_label(USERNAME, exact=True).fill(NPWP)
    page.get_by_label(PASSWORD, exact=True).fill(DEFAULT_PASSWORD)
    solve_captcha(page)
    page.get_by_role("button", name=LOG_IN, exact=True).click()

    expect(page).to_have_url(base + "/lpse-b/dasbor/")
    expect(h1).to_have_text(DASHBOARD)
    expect(page.get_by_role("main")).to_contain_text("PT Beta Jaya")
    page.screenshot(path=artifacts_dir / "dashboard.png", full_page=True)

    # The logout button is a POST form in the header.
    banner.get_by_role("button", name=LOG_OUT.format(name=NPWP), exact=True).click()
    expect(page).to_have_url(base + "/lpse-b/sudah-keluar/")
    expect(h1).to_have_text(LOGGED_OUT)
    expect(banner.get_by_role("link", name=LOG_IN, exact=True)).to_be_visible()
    expect(banner.get_by_role("button", name=re.compile(re.escape(NPWP)))).to_have_count(0)

    # The back button does not bring the private page back from the browser's cache.
    page.go_back()
    expect(page).to_have_url(base + "/lpse-b/masuk/?next=%2Flpse-b%2Fdasbor%2F")
    expect(page.get_by_text("PT Beta Jaya")).to_have_count(0)

    # The session is gone on the server: the dashboard sends us to the login page.
    page.goto(base + "/lpse-b/dasbor/")
    expect(page).to_have_url(base + "/lpse-b/masuk/?next=%2Flpse-b%2Fdasbor%2F")
    expect(h1).to_have_text(LOG_IN)
    assert page.console_errors == []
