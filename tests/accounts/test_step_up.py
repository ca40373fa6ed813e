"""Step-up: a sensitive action (change the password, add or remove a factor, make new
recovery codes) asks for the second factor again when the session's last check is older
than 10 minutes. Accounts without a factor are never asked."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.models import LoginAttempt, LoginMethod, LoginOutcome, UserSession
from inaproc.accounts.services.factors import recovery_codes_generate
from inaproc.accounts.services.sessions import session_open
from inaproc.accounts.services.signin import failure_register
from inaproc.core.context import ClientInfo
from inaproc.notifications.models import Email
from tests.accounts.factor_helpers import START, code_of, wrong_code
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import login_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "english")]

PASSWORD_PAGE = "/lpse-a/akun/kata-sandi/"
STEP_UP = "/lpse-a/akun/konfirmasi-faktor/"
NEW_PASSWORD = "a-brand-new-long-passphrase-2026"


@pytest.fixture
def device(vendor_a):
    return TOTPDevice.objects.create(user=vendor_a, name="authenticator", confirmed=True)


def sign_in(client, user, device) -> None:
    """The real login: password and CAPTCHA, then the app's code."""
    login_post(client, "lpse-a", user.username, DEFAULT_PASSWORD)
    response = client.post("/lpse-a/masuk/faktor-kedua/", {"code": code_of(device)})
    assert response.headers["Location"] == "/lpse-a/dasbor/"


def step_up_url(next_path: str) -> str:
    return f"{STEP_UP}?next={quote(next_path, safe='')}"


def checked_at(client):
    return UserSession.objects.get(session_key=client.session.session_key).second_factor_at


# --- Password change ------------------------------------------------------------------------


def test_within_ten_minutes_of_signing_in_the_password_page_opens_directly(
    client, vendor_a, device, frozen_clock
):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=10))

    response = client.get(PASSWORD_PAGE)

    assert response.status_code == 200
    assert "<h1>Change your password</h1>" in response.text


def test_after_ten_minutes_the_password_change_asks_for_the_factor_again(
    client, vendor_a, device, frozen_clock
):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    asked = client.get(PASSWORD_PAGE)
    page = client.get(asked.headers["Location"])
    wrong = client.post(STEP_UP, {"code": wrong_code(device), "next": PASSWORD_PAGE})
    right = client.post(STEP_UP, {"code": code_of(device), "next": PASSWORD_PAGE})
    form = client.get(PASSWORD_PAGE)
    changed = client.post(
        PASSWORD_PAGE,
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert asked.status_code == 302
    assert asked.headers["Location"] == step_up_url(PASSWORD_PAGE)
    assert page.status_code == 200
    assert "<h1>Confirm your second factor</h1>" in page.text
    assert f'<input type="hidden" name="next" value="{PASSWORD_PAGE}">' in page.text
    assert wrong.status_code == 200
    assert "This code is not right, or it was already used." in wrong.text
    assert f'<input type="hidden" name="next" value="{PASSWORD_PAGE}">' in wrong.text
    failure = LoginAttempt.objects.get(outcome=LoginOutcome.WRONG_CREDENTIALS)
    assert failure.method == LoginMethod.SECOND_FACTOR
    assert right.status_code == 302
    assert right.headers["Location"] == PASSWORD_PAGE
    assert checked_at(client) == START + timedelta(minutes=11)
    assert form.status_code == 200
    assert changed.status_code == 302
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(NEW_PASSWORD)


def test_a_post_of_a_stale_session_changes_nothing(client, vendor_a, device, frozen_clock):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    response = client.post(
        PASSWORD_PAGE,
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.headers["Location"] == step_up_url(PASSWORD_PAGE)
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)


def test_an_account_without_factors_is_never_asked(client, vendor_a, frozen_clock):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    frozen_clock.shift(timedelta(minutes=11))

    page = client.get(PASSWORD_PAGE)
    step_up = client.get(step_up_url(PASSWORD_PAGE))

    assert page.status_code == 200
    assert step_up.status_code == 302
    assert step_up.headers["Location"] == PASSWORD_PAGE


def test_a_remembered_browser_signs_in_without_a_check_so_step_up_asks_at_once(
    client, portal_a, vendor_a, device, frozen_clock
):
    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    client.post("/lpse-a/masuk/faktor-kedua/", {"code": code_of(device), "remember": "on"})
    client.post("/lpse-a/keluar/")
    frozen_clock.shift(timedelta(minutes=1))
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.get(PASSWORD_PAGE)

    assert response.headers["Location"] == step_up_url(PASSWORD_PAGE)


# --- Where the step-up sends back -------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/lpse-a/",
        "/lpse-b/dasbor/",
        "/lpse-a/../lpse-b/dasbor/",
        "/lpse-a/%2e%2e/lpse-b/dasbor/",
        "/lpse-a\\@evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_step_up_never_sends_the_browser_out_of_the_portal(
    client, vendor_a, device, frozen_clock, next_url
):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    page = client.get(STEP_UP, {"next": next_url})
    response = client.post(STEP_UP, {"code": code_of(device), "next": next_url})

    assert 'name="next" value=""' in page.text
    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"


def test_a_next_page_with_a_query_inside_the_portal_is_kept(client, vendor_a, device, frozen_clock):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    response = client.post(STEP_UP, {"code": code_of(device), "next": "/lpse-a/akun/sesi/?a=1"})

    assert response.headers["Location"] == "/lpse-a/akun/sesi/?a=1"


def test_an_anonymous_visitor_is_sent_to_login(client, portal_a):
    response = client.get(STEP_UP)

    assert (
        response.headers["Location"]
        == "/lpse-a/masuk/?next=%2Flpse-a%2Fakun%2Fkonfirmasi-faktor%2F"
    )


# --- The code at step-up ----------------------------------------------------------------------


def test_the_code_used_to_sign_in_cannot_be_used_again_at_step_up(
    client, vendor_a, device, frozen_clock
):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    code = code_of(device)
    client.post("/lpse-a/masuk/faktor-kedua/", {"code": code})

    replayed = client.post(STEP_UP, {"code": code, "next": PASSWORD_PAGE})
    frozen_clock.shift(timedelta(seconds=30))
    fresh = client.post(STEP_UP, {"code": code_of(device), "next": PASSWORD_PAGE})

    assert replayed.status_code == 200
    assert "This code is not right, or it was already used." in replayed.text
    assert fresh.headers["Location"] == PASSWORD_PAGE


def test_a_recovery_code_works_at_step_up(client, vendor_a, device, frozen_clock):
    codes = recovery_codes_generate(user=vendor_a)
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    response = client.post(STEP_UP, {"code": codes[0], "next": PASSWORD_PAGE})

    assert response.headers["Location"] == PASSWORD_PAGE
    assert Email.objects.filter(subject="A recovery code of your account was used").count() == 1


def test_five_wrong_codes_at_step_up_lock_the_account(client, vendor_a, device, frozen_clock):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    for _ in range(5):
        response = client.post(STEP_UP, {"code": wrong_code(device), "next": PASSWORD_PAGE})

    assert "This account is temporarily locked" in response.text
    assert Email.objects.filter(template="accounts/email/account_locked").count() == 1


def test_a_locked_account_cannot_pass_step_up_even_with_the_right_code(
    client, vendor_a, device, frozen_clock
):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))
    for _ in range(5):
        failure_register(
            portal=vendor_a.portal,
            username=vendor_a.username,
            client=ClientInfo("198.51.100.7", "", "", ""),
        )

    response = client.post(STEP_UP, {"code": code_of(device), "next": PASSWORD_PAGE})

    assert response.status_code == 200
    assert "This account is temporarily locked" in response.text
    assert checked_at(client) == START
    assert client.get(PASSWORD_PAGE).headers["Location"] == step_up_url(PASSWORD_PAGE)


# --- The other sensitive actions ----------------------------------------------------------------


def test_setting_up_another_app_asks_for_the_factor_again(client, vendor_a, device, frozen_clock):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))

    response = client.get("/lpse-a/akun/faktor-kedua/aplikasi/")

    assert response.headers["Location"] == step_up_url("/lpse-a/akun/faktor-kedua/aplikasi/")
    assert list(TOTPDevice.objects.filter(user=vendor_a)) == [device]


def test_the_first_app_is_set_up_without_step_up(client, vendor_a, frozen_clock):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    frozen_clock.shift(timedelta(minutes=11))

    response = client.get("/lpse-a/akun/faktor-kedua/aplikasi/")

    assert response.status_code == 200


def test_removing_the_app_after_step_up_takes_a_second_press(
    client, vendor_a, device, frozen_clock
):
    sign_in(client, vendor_a, device)
    frozen_clock.shift(timedelta(minutes=11))
    remove = "/lpse-a/akun/faktor-kedua/aplikasi/hapus/"

    asked = client.post(remove)
    confirmed = client.post(STEP_UP, {"code": code_of(device), "next": remove})
    back = client.get(confirmed.headers["Location"], follow=True)
    still_there = TOTPDevice.objects.filter(pk=device.pk).exists()
    removed = client.post(remove)

    assert asked.headers["Location"] == step_up_url(remove)
    assert confirmed.headers["Location"] == remove
    assert back.redirect_chain == [("/lpse-a/akun/faktor-kedua/", 302)]
    assert "Press “Remove the app” again to remove it." in back.text
    assert still_there is True
    assert removed.headers["Location"] == "/lpse-a/akun/faktor-kedua/"
    assert not TOTPDevice.objects.filter(user=vendor_a).exists()


def test_a_fresh_session_may_make_new_codes(client, vendor_a, device):
    sign_in(client, vendor_a, device)

    response = client.post("/lpse-a/akun/faktor-kedua/kode-pemulihan/")

    assert response.status_code == 200
    assert "<h1>Save your recovery codes</h1>" in response.text


def test_a_session_opened_without_the_second_step_is_asked(client, vendor_a, device):
    client.force_login(vendor_a)
    session_open(
        user=vendor_a,
        session_key=client.session.session_key,
        client=ClientInfo("127.0.0.1", "", "", ""),
    )

    response = client.get(PASSWORD_PAGE)

    assert response.headers["Location"] == step_up_url(PASSWORD_PAGE)
