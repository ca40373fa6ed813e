"""Flow 4: a failed login says one generic thing and reveals nothing else."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user

pytestmark = pytest.mark.e2e

# Indonesian texts (msgstr in inaproc/locale/id/LC_MESSAGES/django.po).
LOG_IN = "Masuk"
USERNAME = "Nama Pengguna atau NPWP"
PASSWORD = "Kata Sandi"
INVALID_LOGIN = (
    "Nama pengguna atau kata sandi salah. Periksa keduanya lalu coba lagi; "
    "kata sandi membedakan huruf besar dan huruf kecil."
)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("0012345674101000", DEFAULT_PASSWORD.upper(), id="wrong-password"),
        pytest.param("0099999999999999", DEFAULT_PASSWORD, id="unknown-username"),
    ],
)
def test_failed_login_shows_one_generic_error(live_server, page: Page, username, password):
    portal = make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")
    make_user(portal, username="0012345674101000")
    login_url = live_server.url + "/lpse-a/masuk/"

    page.goto(login_url)
    page.get_by_label(USERNAME, exact=True).fill(username)
    page.get_by_label(PASSWORD, exact=True).fill(password)
    solve_captcha(page)
    with page.expect_response(login_url) as response_info:
        page.get_by_role("button", name=LOG_IN, exact=True).click()
    assert response_info.value.status == 200

    expect(page).to_have_url(login_url)
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_text(INVALID_LOGIN)
    expect(alert.locator("p")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(LOG_IN)
    # No per-field error that would tell which of the two was wrong.
    expect(page.locator(".field-errors, [aria-invalid]")).to_have_count(0)
    # The username is kept for a retry; the password is not sent back.
    expect(page.get_by_label(USERNAME, exact=True)).to_have_value(username)
    expect(page.get_by_label(PASSWORD, exact=True)).to_have_value("")
    # No debug page, traceback or settings dump.
    body = page.locator("body").inner_text()
    for leak in ("Traceback", "Exception", "SECRET_KEY", 'File "', "django."):
        assert leak not in body
    assert page.console_errors == []
