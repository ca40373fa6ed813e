"""The second-factor pages: the overview, setting up an authenticator app (QR code and
key), removing it, and recovery codes (shown once, downloadable)."""

import re
from base64 import b32encode
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.models import LoginAttempt, Passkey, RecoveryCode, Role, UsernameLock
from inaproc.accounts.services.factors import (
    recovery_code_use,
    recovery_codes_generate,
)
from inaproc.accounts.views.factors import ENROLMENT_SESSION_KEY, totp_config_url
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from tests.accounts.factor_helpers import code_of
from tests.factories import make_user
from tests.helpers import session_of, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

CODE_SHAPE = re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$")
SHOWN_CODES = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def enrol(client, slug: str = "lpse-a"):
    """Open the set-up page; return it and the device it started."""
    page = client.get(f"/{slug}/akun/faktor-kedua/aplikasi/")
    device = TOTPDevice.objects.get(pk=client.session[ENROLMENT_SESSION_KEY])
    return page, device


# --- The overview -------------------------------------------------------------------


def test_the_overview_of_an_account_without_factors(client, vendor_a, english):
    signed_in(vendor_a, client=client, checked=True)

    page = client.get("/lpse-a/akun/faktor-kedua/")

    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert "<h1>Second factors</h1>" in page.text
    assert 'href="/lpse-a/akun/faktor-kedua/aplikasi/">Set up</a>' in page.text
    assert "Remove the app" not in page.text
    assert "You get them when you set up your first second factor." in page.text
    assert "Your role needs a second factor" not in page.text
    assert list(page.context["passkeys"]) == []
    assert (
        page.headers["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_the_overview_of_an_account_with_the_app_and_codes(client, vendor_a, english):
    confirmed_device(vendor_a)
    recovery_codes_generate(user=vendor_a)
    passkey = Passkey.objects.create(
        user=vendor_a, name="Laptop", credential_id=b"abc", public_key=b"k", rp_id="testserver"
    )
    signed_in(vendor_a, client=client, checked=True)

    page = client.get("/lpse-a/akun/faktor-kedua/")

    assert "Set up again" in page.text
    assert 'action="/lpse-a/akun/faktor-kedua/aplikasi/hapus/"' in page.text
    assert "10 unused codes are left." in page.text
    assert 'action="/lpse-a/akun/faktor-kedua/kode-pemulihan/"' in page.text
    assert list(page.context["passkeys"]) == [passkey]
    assert 'id="factor-passkeys"' in page.text
    assert "Laptop" in page.text
    assert page.context["has_factor"] is True


@pytest.mark.parametrize(
    ("english", "active", "none_yet"), [(False, "Aktif", "Belum ada"), (True, "Active", "None yet")]
)
def test_the_overview_names_the_apps_state_in_both_languages(
    client, vendor_a, english, active, none_yet
):
    """The app's status is a state ("Aktif" / "Belum ada"), the same words as the
    company users table and the helpdesk's user page."""
    signed_in(vendor_a, client=client, checked=True, english=english)

    without = client.get("/lpse-a/akun/faktor-kedua/").text
    confirmed_device(vendor_a)
    with_app = client.get("/lpse-a/akun/faktor-kedua/").text

    assert f'<p class="factor-status factor-off"><strong>{none_yet}</strong></p>' in without
    assert f'<p class="factor-status factor-on"><strong>{active}</strong> — ' in with_app


def test_the_overview_warns_when_few_recovery_codes_are_left(client, vendor_a, english):
    confirmed_device(vendor_a)
    codes = recovery_codes_generate(user=vendor_a)
    for code in codes[:8]:
        recovery_code_use(user=vendor_a, code=code)
    signed_in(vendor_a, client=client, checked=True)

    page = client.get("/lpse-a/akun/faktor-kedua/")

    assert "2 unused codes are left." in page.text
    assert "Make new codes now, so that losing your phone does not lock you out." in page.text


def test_the_dashboard_links_to_the_second_factors(client, vendor_a, english):
    signed_in(vendor_a, client=client, checked=True)

    page = client.get("/lpse-a/dasbor/")

    assert '<a href="/lpse-a/akun/faktor-kedua/">Second factors</a>' in page.text


def test_a_staff_member_without_a_factor_is_told_and_offered_to_log_out(client, portal_a, english):
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verif")
    signed_in(verifier, client=client, second_factor=False)

    page = client.get("/lpse-a/akun/faktor-kedua/")

    assert page.status_code == 200
    assert "Your role needs a second factor before you can continue." in page.text
    assert 'action="/lpse-a/keluar/"' in page.text
    assert ">Log out</button>" in page.text
    assert "Back to the dashboard" not in page.text


# --- Setting up the authenticator app ------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_made_here_and_the_key_in_groups(client, vendor_a, english):
    signed_in(vendor_a, client=client, checked=True)

    page, device = enrol(client)

    secret = b32encode(device.bin_key).decode()
    assert page.status_code == 200
    assert device.user == vendor_a
    assert device.confirmed is False
    assert device.tolerance == 1
    assert '<img class="qr-code" id="totp-qr" src="data:image/svg+xml;charset=utf-8,' in page.text
    assert 'width="228" height="228"' in page.text
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page.text
    assert len(secret) == 32
    assert "Time-based, 6 digits, every 30 seconds" in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert "<script" not in page.text
    assert str(device.pk) not in re.findall(r'name="[^"]*" value="([^"]*)"', page.text)


def test_the_qr_code_names_the_portal_as_issuer(vendor_a):
    device = TOTPDevice.objects.create(user=vendor_a, name="authenticator", confirmed=False)

    url = totp_config_url(device, issuer="LPSE: Alpha")

    secret = b32encode(device.bin_key).decode()
    assert url == (
        f"otpauth://totp/LPSE%20Alpha%3A{vendor_a.username}?secret={secret}"
        f"&algorithm=SHA1&digits=6&period=30&issuer={quote('LPSE Alpha')}"
    )


def test_each_visit_starts_a_new_secret_and_drops_the_unconfirmed_one(client, vendor_a):
    signed_in(vendor_a, client=client, checked=True)

    _page, first = enrol(client)
    _page, second = enrol(client)

    assert first.pk != second.pk
    assert list(TOTPDevice.objects.filter(user=vendor_a)) == [second]


def test_the_right_code_turns_the_app_on_and_shows_ten_recovery_codes_once(
    client, vendor_a, english
):
    signed_in(vendor_a, client=client, checked=False)
    user_session = session_of(client)
    _page, device = enrol(client)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": code_of(device)})

    shown = SHOWN_CODES.findall(response.text)
    device.refresh_from_db()
    user_session.refresh_from_db()
    assert response.status_code == 200
    assert device.confirmed is True
    assert "<h1>Save your recovery codes</h1>" in response.text
    assert "The authenticator app is set up." in response.text
    assert len(shown) == 10
    assert all(CODE_SHAPE.match(code) for code in shown)
    assert RecoveryCode.objects.filter(user=vendor_a, used_at__isnull=True).count() == 10
    assert response.text.count('<input type="hidden" name="code"') == 10
    assert 'src="/static/js/print-button.js"' in response.text
    assert ENROLMENT_SESSION_KEY not in client.session
    assert user_session.second_factor_at == timezone.now()
    assert list(
        AuditEvent.objects.filter(actor=vendor_a).order_by("pk").values_list("verb", flat=True)
    ) == ["second_factor.added", "second_factor.recovery_codes_made"]
    assert sorted(Email.objects.filter(to=vendor_a.email).values_list("subject", flat=True)) == [
        "A second factor was added to your account",
        "New recovery codes were made for your account",
    ]
    assert client.get("/lpse-a/akun/faktor-kedua/").context["has_factor"] is True


def test_a_wrong_code_is_an_error_next_to_the_field_and_not_a_failed_sign_in(
    client, vendor_a, english
):
    signed_in(vendor_a, client=client, checked=True)
    _page, device = enrol(client)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": wrong})

    device.refresh_from_db()
    assert response.status_code == 200
    assert "This code is not right. Check that the app shows the account you just added" in (
        response.text
    )
    assert 'aria-invalid="true"' in response.text
    assert device.confirmed is False
    assert client.session[ENROLMENT_SESSION_KEY] == device.pk
    assert LoginAttempt.objects.count() == 0
    assert UsernameLock.objects.count() == 0
    assert RecoveryCode.objects.count() == 0


@pytest.mark.parametrize("typed", ["12345", "abcdef", "1234567", ""])
def test_a_code_that_is_not_six_digits_is_refused_by_the_form(client, vendor_a, english, typed):
    signed_in(vendor_a, client=client, checked=True)
    _page, device = enrol(client)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": typed})

    device.refresh_from_db()
    assert response.status_code == 200
    assert device.confirmed is False
    assert ("Type the 6 digits that the app shows." in response.text) or (
        "This field is required." in response.text
    )


def test_a_code_typed_with_spaces_is_accepted(client, vendor_a):
    signed_in(vendor_a, client=client, checked=True)
    _page, device = enrol(client)
    code = code_of(device)

    response = client.post(
        "/lpse-a/akun/faktor-kedua/aplikasi/", {"code": f"{code[:3]} {code[3:]}"}
    )

    assert response.status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True


def test_a_post_without_a_set_up_in_the_session_starts_again(client, vendor_a, english):
    signed_in(vendor_a, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": "123456"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/akun/faktor-kedua/aplikasi/"
    assert TOTPDevice.objects.count() == 0


def test_the_device_in_the_session_must_be_the_users_own(client, portal_a, vendor_a):
    other = make_user(portal_a, username="lain")
    foreign = TOTPDevice.objects.create(user=other, name="authenticator", confirmed=False)
    signed_in(vendor_a, client=client, checked=True)
    session = client.session
    session[ENROLMENT_SESSION_KEY] = foreign.pk
    session.save()

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": code_of(foreign)})

    foreign.refresh_from_db()
    assert response.status_code == 302
    assert foreign.confirmed is False
    assert Email.objects.count() == 0


def test_setting_up_again_replaces_the_app_and_keeps_the_recovery_codes(client, vendor_a):
    old = confirmed_device(vendor_a)
    recovery_codes_generate(user=vendor_a)
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    signed_in(vendor_a, client=client, checked=True)
    _page, device = enrol(client)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": code_of(device)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/akun/faktor-kedua/"
    assert list(TOTPDevice.objects.filter(user=vendor_a)) == [device]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == hashes


def test_setting_up_when_every_recovery_code_was_used_makes_new_ones(client, vendor_a):
    confirmed_device(vendor_a)
    for code in recovery_codes_generate(user=vendor_a):
        recovery_code_use(user=vendor_a, code=code)
    signed_in(vendor_a, client=client, checked=True)
    _page, device = enrol(client)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": code_of(device)})

    assert response.status_code == 200
    assert len(SHOWN_CODES.findall(response.text)) == 10
    assert RecoveryCode.objects.filter(user=vendor_a, used_at__isnull=True).count() == 10


# --- Removing the app ---------------------------------------------------------------------


def test_a_vendor_removes_the_app_and_is_warned_that_only_the_password_is_left(
    client, vendor_a, english
):
    confirmed_device(vendor_a)
    signed_in(vendor_a, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/hapus/", follow=True)

    assert response.redirect_chain == [("/lpse-a/akun/faktor-kedua/", 302)]
    assert TOTPDevice.objects.filter(user=vendor_a).count() == 0
    assert "The authenticator app was removed." in response.text
    assert "Your account has no second factor now: only your password protects it." in (
        response.text
    )
    assert AuditEvent.objects.get(verb="second_factor.removed").payload == {"kind": "totp"}
    assert Email.objects.get(to=vendor_a.email).subject == (
        "A second factor was removed from your account"
    )


def test_staff_cannot_remove_their_only_factor(client, portal_a, english):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    device = confirmed_device(helpdesk)
    signed_in(helpdesk, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/hapus/", follow=True)

    assert response.redirect_chain == [("/lpse-a/akun/faktor-kedua/", 302)]
    assert "Your role needs a second factor, and the app is your only one." in response.text
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert AuditEvent.objects.filter(verb="second_factor.removed").count() == 0
    assert Email.objects.count() == 0


def test_staff_with_a_passkey_too_may_remove_the_app(client, portal_a):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    confirmed_device(helpdesk)
    Passkey.objects.create(
        user=helpdesk, name="Key", credential_id=b"id", public_key=b"k", rp_id="testserver"
    )
    signed_in(helpdesk, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/hapus/")

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=helpdesk).count() == 0
    assert client.get("/lpse-a/dasbor/").status_code == 200


def test_removing_when_there_is_no_app_changes_nothing(client, vendor_a, english):
    signed_in(vendor_a, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/aplikasi/hapus/", follow=True)

    assert "There is no authenticator app to remove." in response.text
    assert AuditEvent.objects.filter(verb="second_factor.removed").count() == 0


def test_a_get_of_the_removal_only_returns_to_the_overview(client, vendor_a, english):
    device = confirmed_device(vendor_a)
    signed_in(vendor_a, client=client, checked=True)

    response = client.get("/lpse-a/akun/faktor-kedua/aplikasi/hapus/", follow=True)

    assert response.redirect_chain == [("/lpse-a/akun/faktor-kedua/", 302)]
    assert "Press “Remove the app” again to remove it." in response.text
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- Recovery codes -----------------------------------------------------------------------


def test_the_recovery_codes_page_explains_and_offers_new_codes(client, vendor_a, english):
    confirmed_device(vendor_a)
    recovery_codes_generate(user=vendor_a)
    signed_in(vendor_a, client=client, checked=True)

    page = client.get("/lpse-a/akun/faktor-kedua/kode-pemulihan/")

    assert page.status_code == 200
    assert "<h1>Recovery codes</h1>" in page.text
    assert "10 unused codes are left." in page.text
    assert ">Make new codes</button>" in page.text
    assert SHOWN_CODES.findall(page.text) == []


def test_making_new_codes_shows_ten_once_and_the_old_ones_stop_working(client, vendor_a, english):
    confirmed_device(vendor_a)
    old = recovery_codes_generate(user=vendor_a)
    signed_in(vendor_a, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/kode-pemulihan/")
    again = client.get("/lpse-a/akun/faktor-kedua/kode-pemulihan/")

    shown = SHOWN_CODES.findall(response.text)
    assert response.status_code == 200
    assert len(shown) == 10
    assert set(shown).isdisjoint(old)
    assert "New recovery codes were made. The earlier ones no longer work." in response.text
    assert SHOWN_CODES.findall(again.text) == []
    assert recovery_code_use(user=vendor_a, code=old[0]) is False
    assert recovery_code_use(user=vendor_a, code=shown[0]) is True
    stored = RecoveryCode.objects.values_list("code_hash", flat=True)
    assert not any(code.replace("-", "") in value for code in shown for value in stored)


def test_the_download_returns_the_codes_of_the_page_as_a_text_file(client, vendor_a, english):
    confirmed_device(vendor_a)
    signed_in(vendor_a, client=client, checked=True)
    shown = SHOWN_CODES.findall(client.post("/lpse-a/akun/faktor-kedua/kode-pemulihan/").text)
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))

    response = client.post(
        "/lpse-a/akun/faktor-kedua/kode-pemulihan/", {"download": "1", "code": shown}
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="recovery-codes-lpse-a.txt"'
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == f"Recovery codes of {vendor_a.username} on LPSE Alpha"
    assert lines[-10:] == shown
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == hashes


@pytest.mark.parametrize(
    "codes", [[], ["<script>alert(1)</script>"], ["abcde-fghjk", "x"], ["abcde-fghjk"] * 11]
)
def test_the_download_echoes_nothing_but_recovery_codes(client, vendor_a, codes):
    signed_in(vendor_a, client=client, checked=True)

    response = client.post(
        "/lpse-a/akun/faktor-kedua/kode-pemulihan/", {"download": "1", "code": codes}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/akun/faktor-kedua/kode-pemulihan/"


def test_no_recovery_codes_without_a_factor(client, vendor_a, english):
    signed_in(vendor_a, client=client, checked=True)

    response = client.post("/lpse-a/akun/faktor-kedua/kode-pemulihan/", follow=True)

    assert response.redirect_chain == [("/lpse-a/akun/faktor-kedua/", 302)]
    assert "Recovery codes stand in for a lost authenticator app or passkey." in response.text
    assert RecoveryCode.objects.count() == 0


def test_the_pages_of_another_portal_do_not_know_the_session(client, vendor_a, portal_b):
    confirmed_device(vendor_a)
    signed_in(vendor_a, client=client, checked=True)

    response = client.post("/lpse-b/akun/faktor-kedua/kode-pemulihan/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-b/masuk/?next=")
    assert RecoveryCode.objects.count() == 0


def test_a_stale_session_making_codes_is_sent_to_step_up(client, vendor_a, frozen_clock):
    confirmed_device(vendor_a)
    signed_in(vendor_a, client=client, checked=True)
    frozen_clock.shift(timedelta(minutes=11))

    response = client.post("/lpse-a/akun/faktor-kedua/kode-pemulihan/")

    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/lpse-a/akun/konfirmasi-faktor/?next=%2Flpse-a%2Fakun%2Ffaktor-kedua%2Fkode-pemulihan%2F"
    )
    assert RecoveryCode.objects.count() == 0
