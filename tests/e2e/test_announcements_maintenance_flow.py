"""Announcements and maintenance windows in the browser: an administrator writes an
announcement that the public then finds on the home page, the list, the detail page and
the feed; a maintenance window shows its banner before, then answers 503 to the public
and to a signed-out vendor while staff (signed in before, or signing in during it) work."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from inaproc.accounts.models import Role
from inaproc.announcements.services import maintenance_schedule
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import english, log_in, staff_log_in
from tests.factories import make_portal, make_user

pytestmark = pytest.mark.e2e

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]


@pytest.fixture
def second_context(browser: Browser, context: BrowserContext) -> Iterator[BrowserContext]:
    """Another browser (its own cookies) for a second person, in English."""
    other = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    other.set_default_timeout(TIMEOUT_MS)
    yield other
    other.close()


def schedule(portal, *, starts_in: timedelta, message: str):
    starts_at = timezone.now() + starts_in
    return maintenance_schedule(
        portal=portal,
        actor=None,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        notice_from=starts_at - timedelta(hours=24),
        message=message,
    )


def test_an_announcement_reaches_home_list_detail_and_feed(
    live_server, page: Page, second_context: BrowserContext
):
    portal = make_portal("lpse-a")
    admin = make_user(portal, role=Role.PORTAL_ADMIN, username="admin")
    base = live_server.url
    english(page.context, base)

    staff_log_in(page, base, admin)
    page.goto(f"{base}/lpse-a/staf/pengumuman/baru/")
    assert violations(page) == [], "write form"
    page.locator("#id_title").fill("Layanan helpdesk libur")
    page.locator("#id_body").fill("# Jadwal\n\nHelpdesk **tutup** pada 17 Agustus.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".announcement-preview strong")).to_have_text("tutup")
    assert violations(page) == [], "preview"
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/lpse-a/staf/pengumuman/")
    expect(page.locator(".messages")).to_contain_text("The announcement is saved.")
    assert violations(page) == [], "administration list"

    public = second_context.new_page()
    public.goto(f"{base}/lpse-a/")
    panel = public.locator("#panel-announcements")
    expect(panel).to_contain_text("Layanan helpdesk libur")
    public.locator(".header-nav a[href='/lpse-a/pengumuman/']").click()
    public.wait_for_url(f"{base}/lpse-a/pengumuman/")
    assert violations(public) == [], "public list"
    public.get_by_role("link", name="Layanan helpdesk libur").click()
    expect(public.locator("h1")).to_have_text("Layanan helpdesk libur")
    expect(public.locator(".prose strong")).to_have_text("tutup")
    assert violations(public) == [], "detail"

    feed = public.request.get(f"{base}/lpse-a/pengumuman/rss/")
    assert feed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert "Layanan helpdesk libur" in feed.text()
    assert f"{base}/lpse-a/pengumuman/" in feed.text()


def test_a_maintenance_window_closes_the_portal_to_all_but_staff(
    live_server, page: Page, second_context: BrowserContext
):
    portal = make_portal("lpse-a", helpdesk_phone="(021) 555 0100", helpdesk_email="lpse@x.id")
    admin = make_user(portal, role=Role.PORTAL_ADMIN, username="admin")
    helpdesk = make_user(portal, role=Role.HELPDESK, username="helpdesk")
    make_user(portal, username="penyedia")
    base = live_server.url
    english(page.context, base)
    english(second_context, base)

    # The day before: every page shows the banner.
    schedule(portal, starts_in=timedelta(hours=20), message="Pemindahan pusat data.")
    public = second_context.new_page()
    public.goto(f"{base}/lpse-a/")
    expect(public.locator("#maintenance-banner")).to_contain_text("Scheduled maintenance.")
    expect(public.locator("#maintenance-banner")).to_contain_text("WIB")
    expect(public.locator("#maintenance-banner")).to_contain_text("Pemindahan pusat data.")
    assert violations(public) == [], "home with the banner"

    # The administrator signs in before the window; then an urgent window starts now.
    staff_log_in(page, base, admin)
    schedule(portal, starts_in=timedelta(0), message="Perbaikan darurat.")

    response = public.goto(f"{base}/lpse-a/")
    assert response.status == 503
    assert int(response.headers["retry-after"]) > 0
    expect(public.locator("h1")).to_have_text("Under maintenance")
    expect(public.locator("main")).to_contain_text("Perbaikan darurat.")
    expect(public.locator("footer")).to_contain_text("(021) 555 0100")
    assert violations(public) == [], "maintenance page"
    assert public.goto(f"{base}/lpse-a/pengumuman/rss/").status == 503

    # A signed-out vendor may open the login page, which warns; after signing in, 503.
    log_in(public, base, "lpse-a", "penyedia")
    public.wait_for_load_state()
    assert public.goto(f"{base}/lpse-a/dasbor/").status == 503

    # The administrator signed in before keeps working, with a staff banner.
    response = page.goto(f"{base}/lpse-a/staf/pemeliharaan/")
    assert response.status == 200
    expect(page.locator("#maintenance-banner")).to_contain_text("You can keep working.")
    assert violations(page) == [], "maintenance administration during a window"

    # A helpdesk officer signs in during the window.
    officer = second_context.browser.new_context(locale="en-US")
    try:
        officer.add_cookies([{"name": "inaproc_language", "value": "en", "url": base}])
        officer_page = officer.new_page()
        officer_page.goto(f"{base}/lpse-a/masuk/")
        expect(officer_page.locator("#maintenance-banner")).to_contain_text(
            "Only staff can sign in now."
        )
        staff_log_in(officer_page, base, helpdesk)
        response = officer_page.goto(f"{base}/lpse-a/staf/helpdesk/kunci/")
        assert response.status == 200
    finally:
        officer.close()

    # The administrator cancels the urgent window: the portal opens again at once.
    page.goto(f"{base}/lpse-a/staf/pemeliharaan/")
    page.locator("tr", has_text="Perbaikan darurat.").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("The maintenance window is cancelled.")
    assert public.goto(f"{base}/lpse-a/").status == 200


def test_a_window_days_ahead_is_one_line_on_a_phone(live_server, browser: Browser):
    """Issue 14 item 10: five days ahead the banner took 198 px at the top of every phone
    page; until the day before it is one line that opens to the message."""
    portal = make_portal("lpse-a")
    starts_at = timezone.now() + timedelta(days=5)
    maintenance_schedule(
        portal=portal,
        actor=None,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        notice_from=starts_at - timedelta(days=7),
        message="Pemindahan pusat data ke gedung baru; layanan pendaftaran dan tender berhenti.",
    )
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    phone.set_default_timeout(TIMEOUT_MS)
    try:
        page = phone.new_page()
        page.goto(f"{live_server.url}/lpse-a/")
        banner = page.locator("#maintenance-banner")
        expect(banner.locator("summary")).to_contain_text("Pemeliharaan terjadwal")
        expect(banner.locator(".maintenance-message")).to_be_hidden()
        height = banner.bounding_box()["height"]
        assert height <= 45, f"the collapsed banner is {height} px tall (one line)"
        assert violations(page) == [], "home with the collapsed banner"

        banner.locator("summary").click()
        expect(banner.locator(".maintenance-message")).to_contain_text("Pemindahan pusat data")
        assert violations(page) == [], "home with the banner opened"
    finally:
        phone.close()
