"""Flow 2: the header's language switch changes the page language and remembers it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_portal

pytestmark = pytest.mark.e2e

LOG_IN_ID = "Masuk"  # msgstr of "Log in" in inaproc/locale/id/LC_MESSAGES/django.po
LOG_IN_EN = "Log in"


def test_language_switch_between_indonesian_and_english(live_server, page: Page):
    make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")
    html = page.locator("html")
    banner = page.get_by_role("banner")
    id_button = banner.get_by_role("button", name=re.compile(r"^ID\b"))
    en_button = banner.get_by_role("button", name=re.compile(r"^EN\b"))

    page.goto(live_server.url + "/lpse-a/")
    expect(html).to_have_attribute("lang", "id")
    expect(id_button).to_have_attribute("aria-current", "true")
    expect(en_button).not_to_have_attribute("aria-current", "true")
    expect(banner.get_by_role("link", name=LOG_IN_ID, exact=True)).to_be_visible()

    en_button.click()
    expect(page).to_have_url(live_server.url + "/lpse-a/")  # back on the same page
    expect(html).to_have_attribute("lang", "en")
    expect(en_button).to_have_attribute("aria-current", "true")
    expect(banner.get_by_role("link", name=LOG_IN_EN, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("LPSE Alpha")

    # The choice is remembered: another page of the portal is English too.
    page.goto(live_server.url + "/lpse-a/masuk/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(LOG_IN_EN)

    id_button.click()
    expect(page).to_have_url(live_server.url + "/lpse-a/masuk/")
    expect(html).to_have_attribute("lang", "id")
    expect(id_button).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text(LOG_IN_ID)
    assert page.console_errors == []
