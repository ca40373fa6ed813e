"""Lockout per (portal, submitted username), address throttling, and the lock email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import LoginAttempt, LoginOutcome, UsernameLock
from inaproc.accounts.selectors import lock_until
from inaproc.accounts.services.signin import failure_register, lock_clear
from inaproc.core.context import ClientInfo
from tests.factories import DEFAULT_PASSWORD, make_portal
from tests.helpers import assert_indistinguishable, login_post, run_task_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


WRONG = "kata-sandi-yang-salah-sekali"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def fail(client, slug, username, times=1, **extra):
    response = None
    for _ in range(times):
        response = login_post(client, slug, username, WRONG, **extra)
    return response


def test_five_failures_lock_the_username_and_say_until_when_in_wib(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fourth = fail(client, "lpse-a", vendor_a.username, times=4)
        fifth = fail(client, "lpse-a", vendor_a.username)
        locked = lock_until(portal=vendor_a.portal, username=vendor_a.username)

    assert "temporarily locked" not in fourth.text
    assert "temporarily locked" in fifth.text
    assert "25 November 2026 09:15 WIB" in fifth.text
    assert locked == START + timedelta(minutes=15)


def test_the_right_password_is_refused_while_locked(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)
        response = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert "temporarily locked" in response.text
    assert client.get("/lpse-a/dasbor/").status_code == 302


def test_the_lock_ends_by_itself_after_the_portals_lock_duration(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)
    with time_machine.travel(START + timedelta(minutes=14, seconds=59), tick=False):
        still_locked = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    with time_machine.travel(START + timedelta(minutes=15, seconds=1), tick=False):
        after = login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert "temporarily locked" in still_locked.text
    assert after.status_code == 302


def test_a_portal_with_a_longer_lock_keeps_it_longer(client):
    from tests.factories import make_user

    portal = make_portal("lpse-c", lockout_minutes=30)
    user = make_user(portal, username="penyedia-c")
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-c", user.username, times=5)
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        response = login_post(client, "lpse-c", user.username, DEFAULT_PASSWORD)

    assert "25 November 2026 09:30 WIB" in response.text


def test_failures_during_a_lock_do_not_extend_it(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)

    lock = UsernameLock.objects.get(portal=vendor_a.portal, username_key=vendor_a.username)
    assert lock.locked_until == START + timedelta(minutes=15)


def test_failures_spread_wider_than_the_window_do_not_lock(client, vendor_a):
    for minute in (0, 5, 10, 14, 20):  # never five within 15 minutes
        with time_machine.travel(START + timedelta(minutes=minute), tick=False):
            response = fail(client, "lpse-a", vendor_a.username)

    assert "temporarily locked" not in response.text


def test_a_successful_login_forgets_earlier_failures(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=4)
        assert (
            login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 302
        )
        response = fail(client, "lpse-a", vendor_a.username)

    assert "temporarily locked" not in response.text


def test_an_unknown_username_is_locked_the_same_way(client, vendor_a):
    unknown_username = "0099999999999000"  # same length as the real one
    with time_machine.travel(START, tick=False):
        known = fail(Client(), "lpse-a", vendor_a.username, times=5)
        unknown = fail(Client(), "lpse-a", unknown_username, times=5)
        known_again = fail(Client(), "lpse-a", vendor_a.username)
        unknown_again = fail(Client(), "lpse-a", unknown_username)

    assert "temporarily locked" in known.text
    replace = {vendor_a.username: "X", unknown_username: "X"}
    assert_indistinguishable(known, unknown, replace=replace)
    assert_indistinguishable(known_again, unknown_again, replace=replace)


def test_the_npwp_in_any_spelling_counts_as_one_username(client, vendor_a):
    spellings = ["0012345674101000", "01.234.567.4-101.000", "012345674101000"]
    with time_machine.travel(START, tick=False):
        for spelling in spellings + spellings[:2]:
            response = fail(client, "lpse-a", spelling)

    assert "temporarily locked" in response.text


def test_a_lock_on_one_portal_does_not_touch_the_same_npwp_on_another(client, vendor_a, portal_b):
    from tests.factories import make_user

    on_b = make_user(portal_b, username=vendor_a.username)
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)
        response = login_post(Client(), "lpse-b", on_b.username, DEFAULT_PASSWORD)

    assert response.status_code == 302


def test_the_owner_is_emailed_with_time_address_browser_and_a_reset_link(
    vendor_a, django_capture_on_commit_callbacks
):
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/120.0")
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            fail(client, "lpse-a", vendor_a.username, times=5)
        run_task_worker()

    [email] = [m for m in mail.outbox if "locked" in m.subject or "dikunci" in m.subject]
    assert email.to == [vendor_a.email]
    assert "127.0.0.1" in email.body
    assert "Firefox 120" in email.body
    assert "25 November 2026 09:00 WIB" in email.body
    assert re.search(r"http://\S+/lpse-a/atur-ulang-kata-sandi/\S+/\S+/", email.body)


def test_no_email_is_sent_when_an_unknown_username_is_locked(
    portal_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fail(Client(), "lpse-a", "tidak-ada-orangnya", times=5)
    run_task_worker()

    assert mail.outbox == []


def test_every_attempt_is_recorded_with_its_outcome(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)
        login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    outcomes = list(
        LoginAttempt.objects.order_by("created_at", "pk").values_list("outcome", flat=True)
    )
    assert outcomes == [LoginOutcome.WRONG_CREDENTIALS] * 5 + [LoginOutcome.LOCKED]


def test_clearing_a_lock_lets_the_owner_in_and_restarts_the_count(client, vendor_a):
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=5)
        assert lock_clear(portal=vendor_a.portal, username=vendor_a.username) is True
        again = fail(client, "lpse-a", vendor_a.username)
        response = login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert "temporarily locked" not in again.text
    assert response.status_code == 302


def test_failure_register_counts_every_failure_once(vendor_a):
    client = ClientInfo("10.0.0.1", "ua", "", "")
    with time_machine.travel(START, tick=False):
        results = [
            failure_register(portal=vendor_a.portal, username=vendor_a.username, client=client)
            for _ in range(6)
        ]

    assert results[:4] == [None] * 4
    assert results[4] == START + timedelta(minutes=15)
    assert results[5] == START + timedelta(minutes=15)


# --- Per-address throttling ----------------------------------------------------------


def test_many_failures_from_one_address_across_usernames_get_429_with_retry_after(
    client, portal_a, settings
):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    with time_machine.travel(START, tick=False):
        for n in range(6):
            fail(client, "lpse-a", f"tebakan-{n}")
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        response = fail(client, "lpse-a", "tebakan-baru")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(14 * 60)
    assert "Too many failed sign-in attempts came from your network" in response.text
    assert not UsernameLock.objects.filter(locked_until__isnull=False).exists()


def test_a_throttled_address_does_not_lock_the_accounts_it_tried(client, vendor_a, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", vendor_a.username, times=3)
        fail(client, "lpse-a", vendor_a.username, times=5)  # all throttled
        from_elsewhere = login_post(
            Client(REMOTE_ADDR="10.9.8.7"), "lpse-a", vendor_a.username, DEFAULT_PASSWORD
        )

    assert from_elsewhere.status_code == 302


def test_throttling_ends_when_the_failures_leave_the_window(client, vendor_a, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    with time_machine.travel(START, tick=False):
        fail(client, "lpse-a", "satu", times=3)
    with time_machine.travel(START + timedelta(minutes=15, seconds=1), tick=False):
        response = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert response.status_code == 302


def test_throttling_on_one_portal_does_not_reach_another(client, vendor_a, portal_b, settings):
    from tests.factories import make_user

    settings.LOGIN_IP_FAILURE_LIMIT = 3
    on_b = make_user(portal_b, username="penyedia-b")
    fail(client, "lpse-a", "satu", times=3)

    assert login_post(client, "lpse-b", on_b.username, DEFAULT_PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_is_ignored_without_trusted_proxies(client, vendor_a):
    response = login_post(
        client, "lpse-a", vendor_a.username, WRONG, HTTP_X_FORWARDED_FOR="not-an-ip"
    )

    assert response.status_code == 200
    assert LoginAttempt.objects.get().ip_address == "127.0.0.1"


def test_a_garbage_forwarded_address_behind_a_proxy_is_stored_as_unknown(
    client, vendor_a, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    page = client.get("/lpse-a/masuk/", HTTP_X_FORWARDED_FOR="<script>")
    from tests.helpers import captcha_answer

    response = client.post(
        "/lpse-a/masuk/",
        {"username": vendor_a.username, "password": WRONG, **captcha_answer(page)},
        HTTP_X_FORWARDED_FOR="<script>",
    )

    assert response.status_code == 200
    assert LoginAttempt.objects.get().ip_address is None
