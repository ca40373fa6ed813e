"""The national search and the saved searches in a real browser, without JavaScript
(every page is a plain form): search at the root, take the search to the vendor's portal,
log in, name it, see it listed; and no accessibility violation on these pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, expect

from inaproc.search.models import SavedSearch
from tests.e2e.helpers import english, solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.e2e

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def test_a_vendor_saves_a_national_search_without_javascript(live_server, browser: Browser):
    portal = make_portal("lpse-a", name="LPSE Alpha")
    make_portal("lpse-b", name="LPSE Beta")
    vendor = make_user(portal, username="penyedia")
    make_public_package(portal, name="Rehabilitasi Jalan Desa", published_at=timezone.now())
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    english(context, base)
    page = context.new_page()

    page.goto(base + "/")
    page.locator("#id_q").fill("jalan")
    page.locator("form[role=search] button[type=submit]").first.click()
    expect(page.locator("table.tender-list")).to_contain_text("Rehabilitasi Jalan Desa")
    page.locator("#id_simpan").select_option("lpse-a")
    page.locator("form.save-search button[type=submit]").click()

    # Not signed in on lpse-a: its login page, which comes back to the search after.
    expect(page).to_have_url(re.compile(r"/lpse-a/masuk/"))
    page.locator("#id_username").fill(vendor.username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    solve_captcha(page)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/lpse-a/pencarian-tersimpan/simpan/\?q=jalan$"))
    page.locator("#id_name").fill("Jalan desa")
    page.locator("form:has(#id_name) button[type=submit]").click()

    expect(page).to_have_url(base + "/lpse-a/pencarian-tersimpan/")
    expect(page.locator("main")).to_contain_text("Jalan desa")
    assert SavedSearch.objects.get().filters == {"q": "jalan"}
    context.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_search_pages_have_no_accessibility_violations(live_server, page, language):
    portal = make_portal("lpse-a", helpdesk_phone="(021) 123", helpdesk_email="a@example.id")
    make_public_package(portal, name="Rehabilitasi Jalan Desa")
    base = live_server.url
    page.context.add_cookies([{"name": "inaproc_language", "value": language, "url": base}])

    for path in ["/", "/?q=jalan", "/?q=tidakada", "/?lpse=alpha", "/?tahun=abc"]:
        page.goto(base + path)
        results = Axe().run(page, options=WCAG_AA)
        assert results.response["violations"] == [], path
