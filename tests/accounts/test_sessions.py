"""Session control: idle and absolute timeouts enforced on the server, "Sesi aktif"
(the owner's open sessions, ending one or all others), and logout closing the record."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inaproc.accounts.models import Role, SessionEndReason, UserSession
from inaproc.audit.models import AuditEvent
from tests.factories import make_portal, make_user
from tests.helpers import session_of, signed_in

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 WIB
SESSIONS_URL = "/lpse-a/akun/sesi/"
DASHBOARD_URL = "/lpse-a/dasbor/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


# A separate browser (Firefox unless told), asking for English pages so assertions do
# not depend on the translation, signed in through the real login form.
BROWSER = {"login_form": True, "english": True, "user_agent": FIREFOX}


def end_url(user_session: UserSession, slug: str = "lpse-a") -> str:
    return f"/{slug}/akun/sesi/{user_session.pk}/akhiri/"


def is_signed_in(client: Client, slug: str = "lpse-a") -> bool:
    return client.get(f"/{slug}/dasbor/").status_code == 200


def sends_to_login(response, slug: str = "lpse-a") -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        f"/{slug}/masuk/"
    )


# -----------------------------------------------------------------------------
# Timeouts
# -----------------------------------------------------------------------------
def test_idle_for_31_minutes_ends_the_session_and_the_login_page_says_why(vendor_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(vendor_a, **BROWSER)
        user_session = session_of(client)
        key = user_session.session_key
        traveller.shift(timedelta(minutes=31))

        response = client.get(DASHBOARD_URL)

        assert response.status_code == 302
        assert response.headers["Location"] == "/lpse-a/masuk/?next=%2Flpse-a%2Fdasbor%2F"
        login_page = client.get(response.headers["Location"])
        assert "Your session ended after 30 minutes without activity" in login_page.text
        user_session.refresh_from_db()
        assert user_session.end_reason == SessionEndReason.IDLE
        assert user_session.ended_at == START + timedelta(minutes=31)
        assert not Session.objects.filter(session_key=key).exists()
        assert not is_signed_in(client)


def test_activity_every_29_minutes_keeps_the_session(vendor_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(vendor_a, **BROWSER)
        for _ in range(3):
            traveller.shift(timedelta(minutes=29))
            assert client.get(DASHBOARD_URL).status_code == 200

        assert session_of(client).ended_at is None


def test_a_portal_with_a_10_minute_idle_timeout_ends_the_session_at_11(db):
    user = make_user(make_portal("lpse-ketat", session_idle_minutes=10), username="penyedia")
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(user, **BROWSER)
        traveller.shift(timedelta(minutes=9))
        assert is_signed_in(client, "lpse-ketat")

        traveller.shift(timedelta(minutes=11))
        response = client.get("/lpse-ketat/dasbor/")

        assert sends_to_login(response, "lpse-ketat")
        login_page = client.get(response.headers["Location"])
        assert "Your session ended after 10 minutes without activity" in login_page.text


def test_the_session_ends_after_12_hours_even_when_active_every_20_minutes(vendor_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(vendor_a, **BROWSER)
        user_session = session_of(client)
        for _ in range(35):  # 11 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert client.get(DASHBOARD_URL).status_code == 200

        traveller.shift(timedelta(minutes=20))  # 12 h after login
        response = client.get(DASHBOARD_URL)

        assert sends_to_login(response)
        login_page = client.get(response.headers["Location"])
        assert "Your session ended after the maximum of 12 hours" in login_page.text
        user_session.refresh_from_db()
        assert user_session.end_reason == SessionEndReason.ABSOLUTE


def test_a_portal_with_a_shorter_absolute_lifetime_ends_sessions_sooner(db):
    user = make_user(make_portal("lpse-pendek", session_absolute_hours=1), username="penyedia")
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(user, **BROWSER)
        for _ in range(2):
            traveller.shift(timedelta(minutes=25))
            assert is_signed_in(client, "lpse-pendek")

        traveller.shift(timedelta(minutes=10))  # 60 min after login

        assert not is_signed_in(client, "lpse-pendek")
        assert UserSession.objects.get(user=user).end_reason == SessionEndReason.ABSOLUTE


def test_last_seen_is_written_at_most_once_a_minute(vendor_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(vendor_a, **BROWSER)
        user_session = session_of(client)
        traveller.shift(timedelta(seconds=30))

        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD_URL).status_code == 200

        on_sessions = [q["sql"] for q in queries if "accounts_usersession" in q["sql"]]
        assert len(on_sessions) == 1
        assert on_sessions[0].lstrip().upper().startswith("SELECT")
        user_session.refresh_from_db()
        assert user_session.last_seen_at == START

        traveller.shift(timedelta(seconds=31))
        client.get(DASHBOARD_URL)
        user_session.refresh_from_db()
        assert user_session.last_seen_at == START + timedelta(seconds=61)


def test_a_session_without_a_record_does_not_survive(client, vendor_a):
    client.force_login(vendor_a)  # bypasses the login view: no UserSession
    key = client.session.session_key

    assert sends_to_login(client.get(DASHBOARD_URL))
    assert not Session.objects.filter(session_key=key).exists()


def test_a_session_whose_record_has_ended_does_not_survive(vendor_a):
    client = signed_in(vendor_a, **BROWSER)
    user_session = session_of(client)
    # Only the record is closed; Django's session row is still there.
    UserSession.objects.filter(pk=user_session.pk).update(
        ended_at=START, end_reason=SessionEndReason.STAFF
    )

    assert sends_to_login(client.get(DASHBOARD_URL))
    assert not Session.objects.filter(session_key=user_session.session_key).exists()


def test_a_password_changed_behind_an_open_record_ends_the_session(vendor_a):
    """The user is read with its session record in one query (accounts/middleware.py):
    the session's password hash is still checked, as Django's get_user checks it. A
    password set without the service (the record left open) signs the browser out."""
    client = signed_in(vendor_a, **BROWSER)
    key = session_of(client).session_key
    assert is_signed_in(client)
    vendor_a.set_password("an entirely new passphrase 42")
    vendor_a.save(update_fields=["password"])

    assert sends_to_login(client.get(DASHBOARD_URL))
    assert not Session.objects.filter(session_key=key).exists()


def test_a_deactivated_account_with_an_open_record_is_signed_out(vendor_a):
    """Suspension: the record is still open, but an inactive account is nobody."""
    client = signed_in(vendor_a, **BROWSER)
    assert is_signed_in(client)
    type(vendor_a).objects.filter(pk=vendor_a.pk).update(is_active=False)

    assert sends_to_login(client.get(DASHBOARD_URL))


def test_another_users_record_does_not_sign_this_session_in(vendor_a, portal_a):
    """The record is looked up by this session's key and this session's user: a record
    of the same key for someone else (not made by the app) does not count."""
    other = make_user(portal_a)
    client = signed_in(vendor_a, **BROWSER)
    UserSession.objects.filter(pk=session_of(client).pk).update(user=other)

    assert sends_to_login(client.get(DASHBOARD_URL))


def test_a_signed_in_page_reads_the_user_with_its_session_record(vendor_a):
    """One query reads the session record and its user (no second query for the user
    nor for its portal)."""
    client = signed_in(vendor_a, **BROWSER)
    client.get(DASHBOARD_URL)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD_URL).status_code == 200
    user_reads = [q["sql"] for q in captured if '"accounts_user"."password"' in q["sql"]]
    assert len(user_reads) == 1, user_reads
    assert 'FROM "accounts_usersession"' in user_reads[0]
    assert not [q for q in captured if 'FROM "portals_portal"' in q["sql"] and "JOIN" in q["sql"]]


def test_platform_operators_are_not_subject_to_portal_timeouts(client, db):
    operator = make_user(None, role=Role.OPERATOR, username="operator")
    client.force_login(operator)
    key = client.session.session_key

    assert client.get("/").status_code == 200
    assert Session.objects.filter(session_key=key).exists()


def test_a_timed_out_user_posting_end_others_is_sent_to_login_and_nothing_ends(vendor_a):
    with time_machine.travel(START, tick=False) as traveller:
        first = signed_in(vendor_a, **BROWSER)
        traveller.shift(timedelta(minutes=20))
        second = signed_in(vendor_a, **BROWSER, ip="10.0.0.2")
        traveller.shift(timedelta(minutes=15))  # first idle 35 min, second 15 min

        response = first.post("/lpse-a/akun/sesi/akhiri-lainnya/")

        assert sends_to_login(response)
        assert session_of(second).ended_at is None
        assert is_signed_in(second)


# -----------------------------------------------------------------------------
# "Sesi aktif"
# -----------------------------------------------------------------------------
def test_sessions_page_lists_only_the_users_own_open_sessions(portal_a, portal_b, vendor_a):
    other_a = make_user(portal_a, username="lain")
    same_npwp_b = make_user(portal_b, username=vendor_a.username)
    mine = signed_in(vendor_a, **BROWSER, ip="10.0.0.1")
    signed_in(vendor_a, **(BROWSER | {"user_agent": CHROME}), ip="10.0.0.2")
    ended = signed_in(vendor_a, **BROWSER, ip="10.0.0.3")
    ended.post("/lpse-a/keluar/")
    signed_in(other_a, **BROWSER, ip="10.0.0.4")
    signed_in(same_npwp_b, **BROWSER, ip="10.0.0.5")

    response = mine.get(SESSIONS_URL)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert set(response.context["sessions"]) == set(
        UserSession.objects.filter(user=vendor_a, ended_at__isnull=True)
    )
    ips = set(re.findall(r"10\.0\.0\.\d", response.text))
    assert ips == {"10.0.0.1", "10.0.0.2"}
    assert "Firefox 128 on Linux" in response.text
    assert "Chrome 120 on Windows" in response.text
    for user_session in UserSession.objects.all():
        assert user_session.session_key not in response.text


def test_current_session_is_marked_and_has_no_end_button(vendor_a):
    mine = signed_in(vendor_a, **BROWSER)
    other = signed_in(vendor_a, **BROWSER, ip="10.0.0.2")

    response = mine.get(SESSIONS_URL)

    assert "This session" in response.text
    assert response.context["current_session_id"] == session_of(mine).pk
    assert response.context["sessions"][0] == session_of(mine)
    assert end_url(session_of(other)) in response.text
    assert end_url(session_of(mine)) not in response.text
    assert "/lpse-a/akun/sesi/akhiri-lainnya/" in response.text


def test_a_single_session_offers_no_end_all_button(vendor_a):
    response = signed_in(vendor_a, **BROWSER).get(SESSIONS_URL)

    assert "/lpse-a/akun/sesi/akhiri-lainnya/" not in response.text
    assert "You are not logged in anywhere else." in response.text


def test_a_session_idle_past_the_timeout_is_no_longer_listed(vendor_a):
    with time_machine.travel(START, tick=False) as traveller:
        stale = signed_in(vendor_a, **BROWSER, ip="10.0.0.2")
        traveller.shift(timedelta(minutes=25))
        mine = signed_in(vendor_a, **BROWSER, ip="10.0.0.1")
        traveller.shift(timedelta(minutes=10))

        response = mine.get(SESSIONS_URL)

        assert list(response.context["sessions"]) == [session_of(mine)]
        assert session_of(stale).ended_at is None  # ends on its own next request


def test_ending_a_session_signs_that_browser_out(vendor_a):
    mine = signed_in(vendor_a, **BROWSER)
    other = signed_in(vendor_a, **BROWSER, ip="10.0.0.2")
    other_session = session_of(other)
    assert is_signed_in(other)

    response = mine.post(end_url(other_session))

    assert response.status_code == 302
    assert response.headers["Location"] == SESSIONS_URL
    assert "The session has ended" in mine.get(SESSIONS_URL).text
    assert sends_to_login(other.get(DASHBOARD_URL))
    other_session.refresh_from_db()
    assert other_session.end_reason == SessionEndReason.ENDED_BY_USER
    assert not Session.objects.filter(session_key=other_session.session_key).exists()
    assert is_signed_in(mine)
    event = AuditEvent.objects.get(verb="account.session_ended")
    assert event.actor == vendor_a
    assert event.payload["session_id"] == other_session.pk


def test_ending_the_current_session_by_its_id_logs_out(vendor_a):
    mine = signed_in(vendor_a, **BROWSER)
    user_session = session_of(mine)

    response = mine.post(end_url(user_session))

    assert response.headers["Location"] == "/lpse-a/sudah-keluar/"
    user_session.refresh_from_db()
    assert user_session.ended_at is not None
    assert not is_signed_in(mine)


@pytest.fixture
def victim_sessions(portal_a, portal_b, vendor_a):
    """Sessions that vendor_a must not be able to end: another account of the same
    portal, an account of another portal, and vendor_a's own ended session."""
    other_a = make_user(portal_a, username="lain")
    user_b = make_user(portal_b, username=vendor_a.username)
    browsers = {
        "other_account": signed_in(other_a, **BROWSER),
        "other_portal": signed_in(user_b, **BROWSER),
    }
    ended = signed_in(vendor_a, **BROWSER, ip="10.0.0.9")
    ended_session = session_of(ended)
    ended.post("/lpse-a/keluar/")
    return browsers, ended_session


@pytest.mark.parametrize("target", ["other_account", "other_portal"])
def test_ending_someone_elses_session_is_404_and_changes_nothing(vendor_a, victim_sessions, target):
    browsers, _ended = victim_sessions
    victim = browsers[target]
    victim_session = session_of(victim)
    mine = signed_in(vendor_a, **BROWSER)
    slug = "lpse-b" if target == "other_portal" else "lpse-a"

    response = mine.post(end_url(victim_session))

    assert response.status_code == 404
    victim_session.refresh_from_db()
    assert victim_session.ended_at is None
    assert is_signed_in(victim, slug)
    assert not AuditEvent.objects.filter(verb__startswith="account.session").exists()


@pytest.mark.parametrize("session_id", ["ended", 999_999, 10**30])
def test_ending_an_ended_or_missing_session_is_404(vendor_a, victim_sessions, session_id):
    _browsers, ended_session = victim_sessions
    mine = signed_in(vendor_a, **BROWSER)
    if session_id == "ended":
        session_id = ended_session.pk
    before = list(UserSession.objects.values_list("pk", "ended_at", "end_reason"))

    response = mine.post(f"/lpse-a/akun/sesi/{session_id}/akhiri/")

    assert response.status_code == 404
    assert list(UserSession.objects.values_list("pk", "ended_at", "end_reason")) == before


def test_a_session_of_portal_a_cannot_end_anything_through_portal_b(vendor_a, portal_b):
    mine = signed_in(vendor_a, **BROWSER)
    other = signed_in(vendor_a, **BROWSER, ip="10.0.0.2")

    response = mine.post(end_url(session_of(other), slug="lpse-b"))

    assert sends_to_login(response, "lpse-b")
    assert session_of(other).ended_at is None
    assert is_signed_in(other)


def test_end_all_other_sessions_keeps_the_current_one(portal_a, vendor_a):
    someone_else = signed_in(make_user(portal_a, username="lain"), **BROWSER)
    mine = signed_in(vendor_a, **BROWSER)
    others = [signed_in(vendor_a, **BROWSER, ip=f"10.0.0.{n}") for n in (2, 3)]
    other_keys = [c.session.session_key for c in others]

    response = mine.post("/lpse-a/akun/sesi/akhiri-lainnya/")

    assert response.headers["Location"] == SESSIONS_URL
    assert "2 other sessions have ended." in mine.get(SESSIONS_URL).text
    assert is_signed_in(mine)
    assert session_of(mine).ended_at is None
    for client, key in zip(others, other_keys, strict=True):
        assert not is_signed_in(client)
        assert UserSession.objects.get(session_key=key).end_reason == (
            SessionEndReason.ENDED_BY_USER
        )
    assert is_signed_in(someone_else)
    assert AuditEvent.objects.get(verb="account.sessions_ended").payload == {"sessions_ended": 2}


def test_end_all_other_sessions_with_none_open_says_so(vendor_a):
    mine = signed_in(vendor_a, **BROWSER)

    mine.post("/lpse-a/akun/sesi/akhiri-lainnya/")

    assert "There were no other sessions to end." in mine.get(SESSIONS_URL).text
    assert is_signed_in(mine)
    assert not AuditEvent.objects.filter(verb="account.sessions_ended").exists()


def test_anonymous_visitors_are_sent_to_login_and_nothing_ends(client, vendor_a):
    other = signed_in(vendor_a, **BROWSER)
    other_session = session_of(other)

    assert sends_to_login(client.get(SESSIONS_URL))
    assert sends_to_login(client.post(end_url(other_session)))
    assert sends_to_login(client.post("/lpse-a/akun/sesi/akhiri-lainnya/"))
    assert session_of(other).ended_at is None


def test_ending_sessions_needs_post(vendor_a):
    mine = signed_in(vendor_a, **BROWSER)
    other_session = session_of(signed_in(vendor_a, **BROWSER, ip="10.0.0.2"))

    assert mine.get(end_url(other_session)).status_code == 405
    assert mine.get("/lpse-a/akun/sesi/akhiri-lainnya/").status_code == 405
    assert session_of(mine).ended_at is None
    other_session.refresh_from_db()
    assert other_session.ended_at is None


def test_helper_signed_in_staff_see_the_sessions_page(client, admin_a):
    signed_in(admin_a, client=client)

    assert client.get(SESSIONS_URL).status_code == 200


# -----------------------------------------------------------------------------
# Logout
# -----------------------------------------------------------------------------
def test_logout_marks_the_session_ended_with_reason_logout(vendor_a):
    client = signed_in(vendor_a, **BROWSER)
    user_session = session_of(client)

    client.post("/lpse-a/keluar/")

    user_session.refresh_from_db()
    assert user_session.end_reason == SessionEndReason.LOGOUT
    assert user_session.ended_at is not None
    assert not Session.objects.filter(session_key=user_session.session_key).exists()
