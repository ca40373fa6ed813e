"""A lockout that guides (issue 14, item 8): from the third failure the login error says
how many tries are left before the lock; the lock message links the password reset and
the helpdesk and mentions the reset link emailed to the owner. All of it reads the same
for a username that names no account."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inaproc.accounts.forms.login import ONE_MESSAGE
from inaproc.accounts.selectors import sign_in_tries_left
from inaproc.accounts.services.signin import failure_register, lock_clear
from inaproc.core.context import ClientInfo
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.helpers import assert_indistinguishable, login_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WRONG = "kata-sandi-yang-salah-sekali"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
UNKNOWN = "0099999999999000"  # as long as vendor_a's username
TWO_LEFT = "2 tries left before this username is locked for 15 minutes."
ONE_LEFT = "1 try left before this username is locked for 15 minutes."
EMAILED = (
    "If this username belongs to an account, a link to reset its password has been "
    "sent to the account&#x27;s email address."
)
RESET_LINK = '<a href="/lpse-a/lupa-kata-sandi/">reset your password</a>'
HELPDESK_LINK = '<a href="/lpse-a/bantuan/">contact the helpdesk</a>'


def fail(client, slug, username, times=1):
    return [login_post(client, slug, username, WRONG) for _ in range(times)]


def errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def alert(response) -> str:
    """The alert box above the form, as sent."""
    return re.search(r'<div class="form-errors".*?</div>', response.text, re.S).group(0)


# --- Tries left ----------------------------------------------------------------------


def test_the_first_two_failures_say_only_the_one_message(client, vendor_a):
    with time_machine.travel(START, tick=False):
        first, second = fail(client, "lpse-a", vendor_a.username, times=2)

    assert errors(first) == [ONE_MESSAGE]
    assert errors(second) == [ONE_MESSAGE]
    assert "left before this username is locked" not in second.text


def test_the_third_and_fourth_failures_say_how_many_tries_are_left(client, vendor_a):
    with time_machine.travel(START, tick=False):
        *_, third, fourth, fifth = fail(client, "lpse-a", vendor_a.username, times=5)

    assert errors(third) == [ONE_MESSAGE, TWO_LEFT]
    assert errors(fourth) == [ONE_MESSAGE, ONE_LEFT]
    assert "temporarily locked" in alert(fifth)
    assert "left before this username is locked" not in fifth.text


def test_the_warning_is_a_second_paragraph_of_the_same_alert(client, vendor_a):
    with time_machine.travel(START, tick=False):
        third = fail(client, "lpse-a", vendor_a.username, times=3)[-1]

    box = alert(third)
    assert box.count("<p>") == 2
    assert f"<p>{TWO_LEFT}</p>" in box
    assert third.text.count('role="alert"') == 1


def test_an_unknown_username_is_warned_with_exactly_the_same_text(client, vendor_a):
    with time_machine.travel(START, tick=False):
        known = fail(Client(), "lpse-a", vendor_a.username, times=4)
        unknown = fail(Client(), "lpse-a", UNKNOWN, times=4)

    replace = {vendor_a.username: "X", UNKNOWN: "X"}
    for known_response, unknown_response in zip(known, unknown, strict=True):
        assert_indistinguishable(known_response, unknown_response, replace=replace)
    assert errors(unknown[2]) == [ONE_MESSAGE, TWO_LEFT]
    assert errors(unknown[3]) == [ONE_MESSAGE, ONE_LEFT]


def test_the_warning_names_the_portals_own_limit_and_lock_duration(client):
    portal = make_portal("lpse-c", login_failure_limit=4, lockout_minutes=30)
    user = make_user(portal, username="penyedia-c")
    with time_machine.travel(START, tick=False):
        first, second, third = fail(client, "lpse-c", user.username, times=3)

    # A tighter limit: the last two tries before the lock are announced.
    assert errors(first) == [ONE_MESSAGE]
    assert errors(second) == [
        ONE_MESSAGE,
        "2 tries left before this username is locked for 30 minutes.",
    ]
    assert errors(third) == [
        ONE_MESSAGE,
        "1 try left before this username is locked for 30 minutes.",
    ]


def test_failures_outside_the_counting_window_do_not_bring_the_warning(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=2)
    with time_machine.travel(START + timedelta(minutes=15, seconds=1), tick=False):
        later = fail(client, "lpse-a", vendor_a.username)[-1]

    assert errors(later) == [ONE_MESSAGE]


def test_a_successful_login_starts_the_count_again(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=4)
        signed_in = login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        after = fail(client, "lpse-a", vendor_a.username, times=3)

    assert signed_in.status_code == 302

    assert errors(after[1]) == [ONE_MESSAGE]
    assert errors(after[2]) == [ONE_MESSAGE, TWO_LEFT]


def test_the_count_is_per_username_and_per_portal(client, vendor_a, portal_b):
    on_b = make_user(portal_b, username=vendor_a.username)
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=3)
        other_username = fail(Client(), "lpse-a", "penyedia-lain")[-1]
        other_portal = fail(Client(), "lpse-b", on_b.username)[-1]

    assert errors(other_username) == [ONE_MESSAGE]
    assert errors(other_portal) == [ONE_MESSAGE]


def test_the_warning_is_in_indonesian_by_default(settings, client, vendor_a):
    settings.LANGUAGE_CODE = "id"
    with time_machine.travel(START, tick=False):
        third = fail(client, "lpse-a", vendor_a.username, times=3)[-1]

    assert (
        "Tersisa 2 kali percobaan lagi sebelum nama pengguna ini dikunci selama 15 menit."
        in third.text
    )


def test_wrong_emailed_codes_are_warned_the_same_way(client, vendor_a):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            response = client.post(
                "/lpse-a/masuk/kode/verifikasi/",
                {"username": vendor_a.username, "password": DEFAULT_PASSWORD, "code": "000000"},
            )

    assert TWO_LEFT in response.text


def test_tries_left_counts_down_to_zero_while_locked(vendor_a):
    client = ClientInfo("10.0.0.1", "ua", "", "")
    left = []
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            left.append(sign_in_tries_left(portal=vendor_a.portal, username=vendor_a.username))
            failure_register(portal=vendor_a.portal, username=vendor_a.username, client=client)
        left.append(sign_in_tries_left(portal=vendor_a.portal, username=UNKNOWN))
        lock_clear(portal=vendor_a.portal, username=vendor_a.username)
        left.append(sign_in_tries_left(portal=vendor_a.portal, username=vendor_a.username))

    assert left == [5, 4, 3, 2, 1, 0, 5, 5]


def test_tries_left_reads_any_spelling_of_the_npwp(vendor_a):
    client = ClientInfo("10.0.0.1", "ua", "", "")
    with time_machine.travel(START, tick=False):
        failure_register(portal=vendor_a.portal, username="01.234.567.4-101.000", client=client)
        left = sign_in_tries_left(portal=vendor_a.portal, username="012345674101000")

    assert left == 4


# --- The lock message ----------------------------------------------------------------


def test_the_lock_message_links_the_reset_and_the_helpdesk_and_mentions_the_email(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fifth = fail(client, "lpse-a", vendor_a.username, times=5)[-1]
        during = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    for response in (fifth, during):
        box = alert(response)
        assert "temporarily locked" in box
        assert "Try again after 25 November 2026 09:15 WIB" in box
        assert RESET_LINK in box
        assert HELPDESK_LINK in box
        assert EMAILED in box
        assert "left before this username is locked" not in box


def test_the_linked_pages_exist(client, portal_a):
    assert client.get("/lpse-a/lupa-kata-sandi/").status_code == 200
    assert client.get("/lpse-a/bantuan/").status_code == 200


def test_the_lock_message_of_an_unknown_username_is_the_same(client, vendor_a):
    with time_machine.travel(START, tick=False):
        known = fail(Client(), "lpse-a", vendor_a.username, times=5)[-1]
        unknown = fail(Client(), "lpse-a", UNKNOWN, times=5)[-1]
        known_again = login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
        unknown_again = login_post(Client(), "lpse-a", UNKNOWN, DEFAULT_PASSWORD)

    assert RESET_LINK in alert(unknown) and EMAILED in alert(unknown)
    replace = {vendor_a.username: "X", UNKNOWN: "X"}
    assert_indistinguishable(known, unknown, replace=replace)
    assert_indistinguishable(known_again, unknown_again, replace=replace)


def test_the_lock_message_links_stay_on_the_users_portal(client, portal_b):
    with time_machine.travel(START, tick=False):
        fifth = fail(client, "lpse-b", "siapa-saja", times=5)[-1]

    box = alert(fifth)
    assert 'href="/lpse-b/lupa-kata-sandi/"' in box
    assert 'href="/lpse-b/bantuan/"' in box
    assert "/lpse-a/" not in box


def test_the_lock_message_is_in_indonesian_by_default(settings, client, vendor_a):
    settings.LANGUAGE_CODE = "id"
    with time_machine.travel(START, tick=False):
        fifth = fail(client, "lpse-a", vendor_a.username, times=5)[-1]

    box = alert(fifth)
    assert "Akun ini dikunci sementara" in box
    assert '<a href="/lpse-a/lupa-kata-sandi/">atur ulang kata sandi Anda</a>' in box
    assert '<a href="/lpse-a/bantuan/">hubungi helpdesk</a>' in box
    assert "tautan untuk mengatur ulang kata sandinya telah dikirim" in box


def test_a_lock_reached_in_the_second_step_shows_the_links_on_the_login_page(
    client, vendor_a, frozen_clock
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.factor_helpers import wrong_code

    device = TOTPDevice.objects.create(user=vendor_a, name="authenticator", confirmed=True)
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    for _ in range(5):
        response = client.post("/lpse-a/masuk/faktor-kedua/", {"code": wrong_code(device)})
    page = client.get(response.headers["Location"])

    flash = re.search(r'<li class="message message-error">.*?</li>', page.text, re.S).group(0)
    assert "temporarily locked" in flash
    assert RESET_LINK in flash
    assert HELPDESK_LINK in flash
    assert EMAILED in flash
