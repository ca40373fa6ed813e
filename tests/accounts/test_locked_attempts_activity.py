"""Attempts refused because the username is locked are part of the account's login
activity: its owner and the helpdesk see every attempt, with its outcome. An unknown
username stays without account, and the answer does not tell the two apart."""

import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import LoginAttempt, LoginOutcome, Role
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_post, mask_tokens, signed_in

pytestmark = pytest.mark.django_db

OWNER_ACTIVITY = "/lpse-a/akun/aktivitas-masuk/"
WRONG = "Wrong username, password or code"
LOCKED = "Refused: temporarily locked"


def english_client(ip: str) -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def outcome_cells(html: str) -> list[str]:
    return re.findall(r"<td>([^<]*)</td>", html)


def send_attempts(username: str, passwords: list[str]) -> list:
    """One login form post per password, each from its own browser and address."""
    return [
        login_post(english_client(f"198.51.100.{n + 1}"), "lpse-a", username, password)
        for n, password in enumerate(passwords)
    ]


def test_attempts_on_a_locked_username_are_recorded_against_its_account(portal_a, vendor_a):
    limit = portal_a.login_failure_limit
    send_attempts(vendor_a.username, ["salah"] * limit)  # the last one locks it

    # While locked: wrong passwords, the right one, and the NPWP typed with dots.
    send_attempts(vendor_a.username, ["salah", DEFAULT_PASSWORD])
    send_attempts("00.123.456.7-410.1000", ["salah"])

    attempts = LoginAttempt.objects.filter(portal=portal_a)
    assert attempts.count() == limit + 3
    assert attempts.filter(user=vendor_a).count() == limit + 3
    assert attempts.filter(user=vendor_a, outcome=LoginOutcome.LOCKED).count() == 3
    assert attempts.filter(user=vendor_a, outcome=LoginOutcome.WRONG_CREDENTIALS).count() == limit


def test_owner_and_helpdesk_see_every_attempt_including_the_locked_ones(portal_a, vendor_a):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="helpdesk-a")
    limit = portal_a.login_failure_limit
    send_attempts(vendor_a.username, ["salah"] * (limit + 4))

    owner = english_client("192.0.2.10")
    signed_in(vendor_a, client=owner, second_factor=False)
    staff = english_client("192.0.2.11")
    signed_in(helpdesk, client=staff)
    owner_page = owner.get(OWNER_ACTIVITY)
    staff_page = staff.get(f"/lpse-a/staf/helpdesk/pengguna/{vendor_a.pk}/aktivitas/")

    for page in (owner_page, staff_page):
        assert page.status_code == 200
        cells = outcome_cells(page.text)
        assert cells.count(WRONG) == limit
        assert cells.count(LOCKED) == 4


def test_an_unknown_locked_username_stays_without_account_and_answers_the_same(portal_a, vendor_a):
    limit = portal_a.login_failure_limit
    # One instant for both locks, so both pages name the same "locked until" minute.
    with time_machine.travel(timezone.now(), tick=False):
        send_attempts(vendor_a.username, ["salah"] * limit)
        send_attempts("tidak-ada", ["salah"] * limit)

        known, unknown = (
            login_post(english_client("203.0.113.9"), "lpse-a", name, "salah")
            for name in (vendor_a.username, "tidak-ada")
        )

    assert known.status_code == unknown.status_code == 200
    assert mask_tokens(known.text).replace(vendor_a.username, "<u>") == mask_tokens(
        unknown.text
    ).replace("tidak-ada", "<u>")
    refused = LoginAttempt.objects.filter(outcome=LoginOutcome.LOCKED)
    assert refused.filter(user=vendor_a).count() == 1
    assert refused.filter(user__isnull=True, username_key="tidak-ada").count() == 1
