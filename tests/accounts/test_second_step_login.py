"""The second step of signing in: after the right password, an account with a second
factor is not signed in until it gives the app's code (or a recovery code, or a passkey).
A stolen password alone opens nothing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.flows.pending import PENDING_LOGIN_KEY, remember_cookie_name
from inaproc.accounts.models import (
    LoginAttempt,
    LoginMethod,
    LoginOutcome,
    Role,
    UserSession,
)
from inaproc.accounts.services.factors import recovery_codes_generate
from inaproc.accounts.services.signin import failure_register
from inaproc.core.context import ClientInfo
from inaproc.notifications.models import Email
from tests.accounts.factor_helpers import START, code_of, wrong_code
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_post, run_tasks_until_idle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "english")]

SECOND_STEP = "/lpse-a/masuk/faktor-kedua/"


@pytest.fixture
def device(vendor_a):
    return TOTPDevice.objects.create(user=vendor_a, name="authenticator", confirmed=True)


def is_signed_in(client: Client, slug: str = "lpse-a") -> bool:
    return client.get(f"/{slug}/dasbor/").status_code == 200


def successes() -> list[tuple[str, str]]:
    return list(
        LoginAttempt.objects.filter(outcome=LoginOutcome.SUCCESS).values_list(
            "method", "user__username"
        )
    )


# --- Password, then the code ---------------------------------------------------------------


def test_the_right_password_of_an_account_with_a_factor_does_not_sign_in(client, vendor_a, device):
    response = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    page = client.get(SECOND_STEP)

    assert response.status_code == 302
    assert response.headers["Location"] == SECOND_STEP
    assert client.get("/lpse-a/dasbor/").headers["Location"] == (
        "/lpse-a/masuk/?next=%2Flpse-a%2Fdasbor%2F"
    )
    assert "_auth_user_id" not in client.session
    assert page.status_code == 200
    assert "<h1>Confirm it is you</h1>" in page.text
    assert f"The password of {vendor_a.username} is right." in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert successes() == []
    assert UserSession.objects.count() == 0


def test_the_right_code_signs_in_and_marks_the_session_checked(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.post(SECOND_STEP, {"code": code_of(device)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"
    assert is_signed_in(client)
    user_session = UserSession.objects.get(user=vendor_a)
    assert user_session.session_key == client.session.session_key
    assert user_session.second_factor_at == START
    assert successes() == [(LoginMethod.PASSWORD, vendor_a.username)]
    assert PENDING_LOGIN_KEY not in client.session


def test_staff_sign_in_through_the_second_step_too(client, portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verif")
    staff_device = TOTPDevice.objects.create(user=verifier, name="authenticator", confirmed=True)

    first = login_post(client, "lpse-a", "verif", DEFAULT_PASSWORD)
    second = client.post(SECOND_STEP, {"code": code_of(staff_device)})

    assert first.headers["Location"] == SECOND_STEP
    assert second.headers["Location"] == "/lpse-a/dasbor/"
    assert is_signed_in(client)
    assert client.get("/lpse-a/staf/verifikasi/").status_code == 200


def test_the_next_page_asked_for_at_login_is_kept_through_the_second_step(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD, next="/lpse-a/akun/sesi/")

    response = client.post(SECOND_STEP, {"code": code_of(device)})

    assert response.headers["Location"] == "/lpse-a/akun/sesi/"


def test_a_signed_in_visitor_is_sent_from_the_second_step_to_the_dashboard(
    client, vendor_a, device
):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    client.post(SECOND_STEP, {"code": code_of(device)})

    response = client.get(SECOND_STEP)

    assert response.headers["Location"] == "/lpse-a/dasbor/"


def test_the_second_step_without_a_password_first_goes_back_to_login(client, vendor_a, device):
    response = client.post(SECOND_STEP, {"code": code_of(device)}, follow=True)

    assert response.redirect_chain == [("/lpse-a/masuk/", 302)]
    assert "Your sign-in took too long or was not started. Log in again." in response.text
    assert not is_signed_in(client)


# --- Wrong codes and the lock ----------------------------------------------------------------


def test_a_wrong_code_is_refused_and_counted(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.post(SECOND_STEP, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "This code is not right, or it was already used." in response.text
    assert not is_signed_in(client)
    attempt = LoginAttempt.objects.get(outcome=LoginOutcome.WRONG_CREDENTIALS)
    assert (attempt.method, attempt.user) == (LoginMethod.SECOND_FACTOR, vendor_a)


def test_five_wrong_codes_lock_the_account_and_email_the_owner(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    for _ in range(4):
        client.post(SECOND_STEP, {"code": wrong_code(device)})
    fifth = client.post(SECOND_STEP, {"code": wrong_code(device)}, follow=True)
    after = client.get(SECOND_STEP)

    assert fifth.redirect_chain == [("/lpse-a/masuk/", 302)]
    assert "This account is temporarily locked after too many failed sign-in attempts." in (
        fifth.text
    )
    assert after.headers["Location"] == "/lpse-a/masuk/"
    assert LoginAttempt.objects.filter(outcome=LoginOutcome.WRONG_CREDENTIALS).count() == 5
    assert (
        Email.objects.filter(to=vendor_a.email, template="accounts/email/account_locked").count()
        == 1
    )
    assert (
        "temporarily locked"
        in login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD).text
    )
    assert not is_signed_in(client)


def test_wrong_passwords_and_wrong_codes_add_up_to_the_same_lock(client, vendor_a, device):
    for _ in range(3):
        login_post(Client(), "lpse-a", vendor_a.username, "not-the-password-at-all")
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    client.post(SECOND_STEP, {"code": wrong_code(device)})
    fifth = client.post(SECOND_STEP, {"code": wrong_code(device)})

    assert fifth.headers["Location"] == "/lpse-a/masuk/"
    assert Email.objects.filter(template="accounts/email/account_locked").count() == 1


def test_the_right_code_of_a_locked_account_is_refused(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    for _ in range(5):
        failure_register(
            portal=vendor_a.portal,
            username=vendor_a.username,
            client=ClientInfo("198.51.100.7", "", "", ""),
        )

    response = client.post(SECOND_STEP, {"code": code_of(device)}, follow=True)

    assert response.redirect_chain == [("/lpse-a/masuk/", 302)]
    assert "temporarily locked" in response.text
    assert not is_signed_in(client)
    assert successes() == []


# --- The pending sign-in --------------------------------------------------------------------


def test_the_pending_sign_in_lasts_five_minutes(client, vendor_a, device, frozen_clock):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    frozen_clock.shift(timedelta(minutes=4, seconds=59))
    assert client.get(SECOND_STEP).status_code == 200
    frozen_clock.shift(timedelta(seconds=1))

    response = client.post(SECOND_STEP, {"code": code_of(device)}, follow=True)

    assert response.redirect_chain == [("/lpse-a/masuk/", 302)]
    assert "Your sign-in took too long or was not started. Log in again." in response.text
    assert not is_signed_in(client)
    assert PENDING_LOGIN_KEY not in client.session


def test_a_pending_sign_in_of_portal_a_is_useless_on_portal_b(client, vendor_a, device, portal_b):
    same_npwp = make_user(portal_b, username=vendor_a.username)
    TOTPDevice.objects.create(user=same_npwp, name="authenticator", confirmed=True)
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    page = client.get("/lpse-b/masuk/faktor-kedua/")
    posted = client.post("/lpse-b/masuk/faktor-kedua/", {"code": code_of(device)})

    assert page.headers["Location"] == "/lpse-b/masuk/"
    assert posted.headers["Location"] == "/lpse-b/masuk/"
    assert not is_signed_in(client, "lpse-b")
    assert not is_signed_in(client, "lpse-a")
    assert successes() == []


# --- Recovery codes at sign-in ------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_and_warns_by_email(client, vendor_a, device):
    codes = recovery_codes_generate(user=vendor_a)
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    first = client.post(SECOND_STEP, {"code": codes[0].upper()})
    client.post("/lpse-a/keluar/")
    again_client = Client()
    login_post(again_client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    again = again_client.post(SECOND_STEP, {"code": codes[0]})

    assert first.headers["Location"] == "/lpse-a/dasbor/"
    assert again.status_code == 200
    assert "This code is not right, or it was already used." in again.text
    assert not is_signed_in(again_client)
    used = Email.objects.get(subject="A recovery code of your account was used")
    assert "9 unused codes are left." in used.body


# --- Remember this browser -------------------------------------------------------------------


def test_remember_this_browser_is_offered_only_where_the_portal_allows(
    client, portal_a, vendor_a, device
):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    assert 'name="remember"' not in client.get(SECOND_STEP).text

    portal_a.remember_browser_for_staff = True
    portal_a.save()
    assert 'name="remember"' not in client.get(SECOND_STEP).text

    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    assert "Remember this browser for 30 days" in client.get(SECOND_STEP).text


def test_a_remembered_browser_skips_the_second_step_for_thirty_days(
    client, portal_a, vendor_a, device, frozen_clock
):
    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    response = client.post(SECOND_STEP, {"code": code_of(device), "remember": "on"})
    cookie = response.cookies[remember_cookie_name(vendor_a)]
    client.post("/lpse-a/keluar/")
    frozen_clock.shift(timedelta(days=29))

    again = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert cookie["path"] == "/lpse-a/"
    assert cookie["httponly"] is True
    assert cookie["max-age"] == 30 * 24 * 3600
    assert again.headers["Location"] == "/lpse-a/dasbor/"
    assert is_signed_in(client)
    assert UserSession.objects.filter(ended_at__isnull=True).get().second_factor_at is None


def test_the_remember_box_is_ignored_where_the_portal_does_not_allow_it(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.post(SECOND_STEP, {"code": code_of(device), "remember": "on"})

    assert remember_cookie_name(vendor_a) not in response.cookies
    client.post("/lpse-a/keluar/")
    assert (
        login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD).headers["Location"]
        == SECOND_STEP
    )


def test_staff_are_not_remembered_on_a_portal_that_remembers_only_vendors(client, portal_a):
    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    staff_device = TOTPDevice.objects.create(user=helpdesk, name="authenticator", confirmed=True)
    login_post(client, "lpse-a", "hd", DEFAULT_PASSWORD)

    page = client.get(SECOND_STEP)
    response = client.post(SECOND_STEP, {"code": code_of(staff_device), "remember": "on"})

    assert 'name="remember"' not in page.text
    assert remember_cookie_name(helpdesk) not in response.cookies


# --- The emailed-code login ----------------------------------------------------------------


def test_the_emailed_code_login_also_goes_through_the_second_step(
    client, vendor_a, device, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/lpse-a/masuk/kode/", {"username": vendor_a.username})
    run_tasks_until_idle(django_capture_on_commit_callbacks)
    [sent] = mail.outbox  # the body of a sent code email is not kept
    emailed = re.search(r"\b(\d{6})\b", sent.body).group(1)

    response = client.post(
        "/lpse-a/masuk/kode/verifikasi/",
        {"username": vendor_a.username, "password": DEFAULT_PASSWORD, "code": emailed},
    )
    assert response.headers["Location"] == SECOND_STEP
    assert not is_signed_in(client)
    done = client.post(SECOND_STEP, {"code": code_of(device)})

    assert done.headers["Location"] == "/lpse-a/dasbor/"
    assert successes() == [(LoginMethod.EMAIL_CODE, vendor_a.username)]


# --- The stolen password ----------------------------------------------------------------------


SIGNED_IN_PAGES = [
    "/lpse-a/dasbor/",
    "/lpse-a/akun/sesi/",
    "/lpse-a/akun/aktivitas-masuk/",
    "/lpse-a/akun/kata-sandi/",
    "/lpse-a/akun/konfirmasi-faktor/",
    "/lpse-a/akun/faktor-kedua/",
    "/lpse-a/akun/faktor-kedua/aplikasi/",
    "/lpse-a/akun/faktor-kedua/kode-pemulihan/",
    "/lpse-a/perusahaan/",
]


def test_with_only_the_password_nobody_reaches_any_signed_in_page(client, vendor_a, device):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    responses = {path: client.get(path) for path in SIGNED_IN_PAGES}
    posted = client.post("/lpse-a/akun/faktor-kedua/aplikasi/hapus/")

    for path, response in responses.items():
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/lpse-a/masuk/"), path
    assert posted.headers["Location"].startswith("/lpse-a/masuk/")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert TOTPDevice.objects.filter(user=vendor_a).count() == 1
    assert UserSession.objects.count() == 0
    assert successes() == []
