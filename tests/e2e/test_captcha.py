"""The CAPTCHA image can be renewed without reloading the page, and without JavaScript
by the same button, which sends the form back with what was typed; the emailed-code way
in is offered beside it."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user

pytestmark = pytest.mark.e2e


def test_another_image_replaces_the_captcha_in_place_and_the_new_one_works(live_server, page: Page):
    portal = make_portal("lpse-a")
    user = make_user(portal, username="penyedia")
    page.goto(live_server.url + "/lpse-a/masuk/")
    page.locator("#id_username").fill(user.username)
    first_key = page.locator("input[name=captcha_0]").input_value()
    first_src = page.locator("img.captcha-image").get_attribute("src")

    page.locator(".captcha-refresh").click()

    expect(page.locator("img.captcha-image")).not_to_have_attribute("src", first_src)
    assert page.locator("input[name=captcha_0]").input_value() != first_key
    expect(page.locator("#id_username")).to_have_value(user.username)  # nothing typed is lost
    expect(page.locator("input[name=captcha_1]")).to_be_focused()
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    solve_captcha(page)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/lpse-a/dasbor/")
    assert page.console_errors == []


def test_without_javascript_the_button_gives_a_new_image_and_keeps_the_username(
    live_server, browser: Browser
):
    make_portal("lpse-a")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/lpse-a/masuk/")
    page.locator("#id_username").fill("penyedia")
    first_key = page.locator("input[name=captcha_0]").input_value()

    page.locator(".captcha-refresh").click()

    expect(page.locator("#id_username")).to_have_value("penyedia")
    assert page.locator("input[name=captcha_0]").input_value() != first_key
    expect(page.locator(".form-errors")).to_have_count(0)
    context.close()


def test_enter_in_a_field_sends_the_form_not_the_refresh(live_server, page: Page):
    portal = make_portal("lpse-a")
    user = make_user(portal, username="penyedia")
    page.goto(live_server.url + "/lpse-a/masuk/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    solve_captcha(page)

    page.locator("input[name=captcha_1]").press("Enter")

    expect(page).to_have_url(live_server.url + "/lpse-a/dasbor/")
