"""The user's own login activity page, its selector, and the retention command."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from inaproc.accounts.models import (
    LoginAttempt,
    LoginCode,
    LoginMethod,
    LoginOutcome,
    SessionEndReason,
    UsernameLock,
    UserSession,
)
from inaproc.accounts.selectors import login_activity_for_user
from inaproc.accounts.services.login_codes import login_code_issue
from inaproc.accounts.services.sessions import session_end, session_open
from inaproc.accounts.services.signin import attempt_record, failure_register
from inaproc.core.context import ClientInfo
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

ACTIVITY_URL = "/lpse-a/akun/aktivitas-masuk/"
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # 10:00 WIB


def client_at(ip: str) -> ClientInfo:
    return ClientInfo(ip, "", "Firefox 128", "Linux")


def attempt(user_or_portal, *, ip: str, ago: timedelta, outcome=LoginOutcome.SUCCESS, **kw):
    """One recorded attempt, `ago` before NOW, through the real service."""
    user = None if hasattr(user_or_portal, "slug") else user_or_portal
    portal = user_or_portal if user is None else user.portal
    return attempt_record(
        portal=portal,
        username=kw.pop("username", user.username if user else "tidak-ada"),
        outcome=outcome,
        client=client_at(ip),
        user=user,
        at=NOW - ago,
        **kw,
    )


# Signed in through the real login form, from one address, asking for English pages.
BROWSER = {"login_form": True, "english": True, "ip": "192.0.2.1"}


def ips_on(response) -> set[str]:
    return set(re.findall(r"203\.0\.113\.\d+", response.text))


# -----------------------------------------------------------------------------
# The page
# -----------------------------------------------------------------------------
def test_activity_page_shows_only_the_users_own_recent_attempts(portal_a, portal_b, vendor_a):
    other_a = make_user(portal_a, username="lain")
    same_npwp_b = make_user(portal_b, username=vendor_a.username)
    with time_machine.travel(NOW, tick=False):
        attempt(vendor_a, ip="203.0.113.1", ago=timedelta(days=1))
        attempt(
            vendor_a,
            ip="203.0.113.2",
            ago=timedelta(days=89),
            outcome=LoginOutcome.WRONG_CREDENTIALS,
        )
        attempt(vendor_a, ip="203.0.113.3", ago=timedelta(days=91))
        attempt(other_a, ip="203.0.113.4", ago=timedelta(hours=1))
        attempt(same_npwp_b, ip="203.0.113.5", ago=timedelta(hours=1))
        attempt(portal_a, ip="203.0.113.6", ago=timedelta(hours=1), username=vendor_a.username)
        client = signed_in(vendor_a, **BROWSER)

        response = client.get(ACTIVITY_URL)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert ips_on(response) == {"203.0.113.1", "203.0.113.2"}
    shown = list(response.context["page"].object_list)
    assert {a.user_id for a in shown} == {vendor_a.pk}
    assert len(shown) == 3  # the two above and this login


def test_activity_is_newest_first_with_human_labels(vendor_a):
    with time_machine.travel(NOW, tick=False):
        attempt(vendor_a, ip="203.0.113.1", ago=timedelta(days=2))
        attempt(
            vendor_a,
            ip="203.0.113.2",
            ago=timedelta(days=1),
            outcome=LoginOutcome.LOCKED,
            method=LoginMethod.EMAIL_CODE,
        )
        response = signed_in(vendor_a, **BROWSER).get(ACTIVITY_URL)

    assert response.text.index("203.0.113.2") < response.text.index("203.0.113.1")
    assert "Refused: temporarily locked" in response.text
    assert "Password and emailed code" in response.text
    assert "Firefox 128 on Linux" in response.text
    assert "31 May 2026 10:00 WIB" in response.text


def test_activity_page_explains_what_to_do_with_links(vendor_a):
    response = signed_in(vendor_a, **BROWSER).get(ACTIVITY_URL)

    assert "recognise, change your password and end your other sessions" in response.text
    assert 'href="/lpse-a/akun/kata-sandi/"' in response.text
    assert 'href="/lpse-a/akun/sesi/"' in response.text


def test_activity_is_paginated_by_25(vendor_a):
    with time_machine.travel(NOW, tick=False):
        for n in range(25):
            attempt(vendor_a, ip="203.0.113.1", ago=timedelta(hours=n + 1))
        client = signed_in(vendor_a, **BROWSER)  # the 26th attempt

        first = client.get(ACTIVITY_URL)
        second = client.get(ACTIVITY_URL, {"page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert "?page=2" in first.text
    assert len(second.context["page"].object_list) == 1
    assert second.context["page"].object_list[0].created_at == NOW - timedelta(hours=25)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", "1e999", "9" * 5000, ""])
def test_invalid_page_numbers_show_a_page_not_an_error(vendor_a, page):
    response = signed_in(vendor_a, **BROWSER).get(ACTIVITY_URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_anonymous_visitors_are_sent_to_login(client, portal_a):
    response = client.get(ACTIVITY_URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")


def test_a_user_of_portal_a_is_anonymous_on_portal_bs_activity_page(vendor_a, portal_b):
    response = signed_in(vendor_a, **BROWSER).get("/lpse-b/akun/aktivitas-masuk/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-b/masuk/")


def test_activity_page_needs_get(vendor_a):
    assert signed_in(vendor_a, **BROWSER).post(ACTIVITY_URL).status_code == 405


def test_selector_counts_days_back_from_now(vendor_a):
    with time_machine.travel(NOW, tick=False):
        inside = attempt(vendor_a, ip="203.0.113.1", ago=timedelta(days=7) - timedelta(seconds=1))
        attempt(vendor_a, ip="203.0.113.2", ago=timedelta(days=7, seconds=1))

        found = list(login_activity_for_user(user=vendor_a, days=7))

    assert found == [inside]


# -----------------------------------------------------------------------------
# Retention: prune_login_activity
# -----------------------------------------------------------------------------
def _session(user, *, started_ago: timedelta, ended_ago: timedelta | None):
    with time_machine.travel(NOW - started_ago, tick=False):
        user_session = session_open(
            user=user, session_key=uuid.uuid4().hex, client=client_at("::1")
        )
    if ended_ago is not None:
        with time_machine.travel(NOW - ended_ago, tick=False):
            session_end(user_session=user_session, reason=SessionEndReason.LOGOUT)
    return user_session


def _failures(portal, username: str, *, ago: timedelta, count: int = 1) -> None:
    with time_machine.travel(NOW - ago, tick=False):
        for _ in range(count):
            failure_register(portal=portal, username=username, client=client_at("203.0.113.9"))


@pytest.fixture
def retention_data(portal_a, vendor_a, django_capture_on_commit_callbacks):
    """Rows on either side of every retention line, as of NOW."""
    year = timedelta(days=settings.LOGIN_ACTIVITY_RETENTION_DAYS)
    keep, drop = {}, {}
    drop["attempt"] = attempt(vendor_a, ip="203.0.113.1", ago=year + timedelta(hours=1))
    keep["attempt"] = attempt(vendor_a, ip="203.0.113.2", ago=year - timedelta(hours=1))
    drop["ended_session"] = _session(
        vendor_a, started_ago=year + timedelta(days=1), ended_ago=year + timedelta(hours=1)
    )
    keep["ended_session"] = _session(
        vendor_a, started_ago=year + timedelta(days=1), ended_ago=year - timedelta(hours=1)
    )
    drop["abandoned_session"] = _session(
        vendor_a, started_ago=year + timedelta(days=1), ended_ago=None
    )
    keep["open_session"] = _session(vendor_a, started_ago=timedelta(minutes=5), ended_ago=None)
    with django_capture_on_commit_callbacks(execute=False):
        with time_machine.travel(NOW - timedelta(days=2), tick=False):
            login_code_issue(user=vendor_a)
        with time_machine.travel(NOW - timedelta(hours=2), tick=False):
            login_code_issue(user=vendor_a)
    drop["code"], keep["code"] = LoginCode.objects.order_by("created_at")
    # Lockout rows: idle (old failure, lock long over) goes; a fresh failure or a
    # holding lock stays.
    _failures(portal_a, "lama", ago=timedelta(days=3), count=5)
    _failures(portal_a, "baru", ago=timedelta(minutes=5))
    _failures(portal_a, "terkunci", ago=timedelta(minutes=20), count=5)
    # "terkunci" was locked for 15 minutes at NOW-20min: over now, and its failures have
    # left the 15-minute window, so it goes too. A lock still holding:
    _failures(portal_a, "masih-terkunci", ago=timedelta(minutes=2), count=5)
    locks = {lock.username_key: lock for lock in UsernameLock.objects.all()}
    drop["lock_old"], drop["lock_expired"] = locks["lama"], locks["terkunci"]
    keep["lock_recent_failure"], keep["lock_holding"] = locks["baru"], locks["masih-terkunci"]
    return keep, drop


def _exists(obj) -> bool:
    return type(obj).objects.filter(pk=obj.pk).exists()


def test_prune_deletes_exactly_the_rows_past_retention(retention_data, capsys):
    keep, drop = retention_data
    attempts_before = LoginAttempt.objects.count()

    with time_machine.travel(NOW, tick=False):
        call_command("prune_login_activity")

    assert {name for name, obj in drop.items() if _exists(obj)} == set()
    assert {name for name, obj in keep.items() if not _exists(obj)} == set()
    assert LoginAttempt.objects.count() == attempts_before - 1
    out = capsys.readouterr().out
    assert "login attempts: 1" in out
    assert "sessions: 2" in out
    assert "login codes: 1" in out
    assert "locks: 2" in out


def test_prune_twice_deletes_nothing_the_second_time(retention_data, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("prune_login_activity")
        capsys.readouterr()
        call_command("prune_login_activity")

    assert capsys.readouterr().out.strip() == (
        "Deleted login attempts: 0, sessions: 0, login codes: 0, locks: 0, email requests: 0"
    )


def test_prune_days_option_overrides_the_retention(vendor_a):
    with time_machine.travel(NOW, tick=False):
        old = attempt(vendor_a, ip="203.0.113.1", ago=timedelta(days=31))
        young = attempt(vendor_a, ip="203.0.113.2", ago=timedelta(days=29))

        call_command("prune_login_activity", days=30)

    assert not _exists(old)
    assert _exists(young)


@pytest.mark.parametrize("days", ["0", "-5"])
def test_prune_refuses_less_than_one_day(vendor_a, days):
    with time_machine.travel(NOW, tick=False):
        attempt(vendor_a, ip="203.0.113.1", ago=timedelta(hours=1))

        with translation.override("en"), pytest.raises(CommandError, match="at least one day"):
            call_command("prune_login_activity", "--days", days)

    assert LoginAttempt.objects.count() == 1


def test_prune_keeps_a_fresh_login_and_its_open_session(vendor_a):
    signed_in(vendor_a, **BROWSER).get("/lpse-a/dasbor/")
    out = StringIO()

    call_command("prune_login_activity", stdout=out)

    assert LoginAttempt.objects.filter(user=vendor_a).count() == 1
    assert UserSession.objects.filter(user=vendor_a, ended_at__isnull=True).count() == 1
    assert "login attempts: 0, sessions: 0" in out.getvalue()
