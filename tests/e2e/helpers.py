"""Steps shared by the browser tests."""

from captcha.models import CaptchaStore
from playwright.sync_api import Page


def solve_captcha(page: Page) -> None:
    """Type the CAPTCHA answer, read from django-simple-captcha's store by the key the
    page carries: what a person reads from the image."""
    key = page.locator("input[name=captcha_0]").input_value()
    answer = CaptchaStore.objects.get(hashkey=key).response
    page.locator("input[name=captcha_1]").fill(answer)
