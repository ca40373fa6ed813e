"""Steps shared by the browser tests."""

import re

from captcha.models import CaptchaStore
from django.conf import settings
from playwright.sync_api import BrowserContext, Page

from tests.factories import DEFAULT_PASSWORD

# The login page also has a "sign in with a passkey" form: this is the password form.
LOGIN_BUTTON = "form:has(#id_password) button[type=submit]"
SECOND_STEP_URL = re.compile(r"/[\w-]+/masuk/faktor-kedua/$")


def solve_captcha(page: Page) -> None:
    """Type the CAPTCHA answer, read from django-simple-captcha's store by the key the
    page carries: what a person reads from the image."""
    key = page.locator("input[name=captcha_0]").input_value()
    answer = CaptchaStore.objects.get(hashkey=key).response
    page.locator("input[name=captcha_1]").fill(answer)


def log_in(page: Page, base: str, slug: str, username: str, password: str = DEFAULT_PASSWORD):
    """The first step: username, password and CAPTCHA on the portal's login page."""
    page.goto(f"{base}/{slug}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    solve_captcha(page)
    page.locator(LOGIN_BUTTON).click()


def type_factor_code(page: Page, code: str) -> None:
    """Type a code on the second step or the step-up page and send it."""
    page.locator("#id_code").fill(code)
    page.locator("form:has(#id_code) button[type=submit]").click()


def second_step(page: Page, user) -> str:
    """On the second step of signing in, type the code `user`'s authenticator app shows
    now. Returns the code."""
    from inaproc.accounts.services.factors import totp_device
    from tests.helpers import totp_code

    page.wait_for_url(SECOND_STEP_URL)
    code = totp_code(totp_device(user))
    type_factor_code(page, code)
    return code


def staff_log_in(page: Page, base: str, user, password: str = DEFAULT_PASSWORD) -> None:
    """Sign a staff member in as they do once enrolled: password and CAPTCHA, then the
    authenticator app's code (an account without a factor is given an app first)."""
    from inaproc.accounts.services.factors import has_second_factor
    from tests.factories import make_totp_device

    if not has_second_factor(user):
        make_totp_device(user)
    log_in(page, base, user.portal.slug, user.username, password)
    second_step(page, user)
    page.wait_for_url(lambda url: not SECOND_STEP_URL.search(url))


def english(context: BrowserContext, base: str) -> None:
    """Pages in English for this browser (the language cookie the switch sets), so that
    assertions on texts do not depend on the translation."""
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
