"""Flow 5: keyboard users reach the skip link first and it moves focus to the content."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_portal

pytestmark = pytest.mark.e2e

# msgstr of "Skip to main content" in inaproc/locale/id/LC_MESSAGES/django.po
SKIP_LINK = "Lewati ke konten utama"


def test_first_tab_focuses_the_skip_link(live_server, page: Page):
    make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")
    page.goto(live_server.url + "/lpse-a/")
    skip_link = page.get_by_role("link", name=SKIP_LINK, exact=True)
    expect(skip_link).not_to_be_in_viewport()  # hidden until focused

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/lpse-a/#main")
    expect(page.get_by_role("main")).to_be_focused()
    assert page.console_errors == []
