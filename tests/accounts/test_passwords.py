"""Forgotten password and username, password change, and "this wasn't me"."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from inaproc.accounts.links import not_me_link
from inaproc.accounts.models import (
    LoginAttempt,
    Role,
    SessionEndReason,
    User,
    UserSession,
)
from inaproc.accounts.selectors import lock_until
from inaproc.accounts.services.signin import failure_register
from inaproc.audit.models import AuditEvent
from inaproc.core.context import ClientInfo
from inaproc.notifications.models import Email
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.helpers import comparable_headers, login_post, mask_tokens, run_tasks_until_idle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "a-brand-new-long-passphrase-2026"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
RESET_LINK = re.compile(r"https?://\S+/atur-ulang-kata-sandi/[^/\s]+/[^/\s]+/")


def ask_for_reset(client, capture, identifier: str, slug: str = "lpse-a"):
    with capture(execute=True):
        response = client.post(f"/{slug}/lupa-kata-sandi/", {"identifier": identifier})
    run_tasks_until_idle(capture)
    return response


def ask_for_usernames(client, capture, email: str, slug: str = "lpse-a"):
    with capture(execute=True):
        response = client.post(f"/{slug}/lupa-nama-pengguna/", {"email": email})
    run_tasks_until_idle(capture)
    return response


def reset_emails() -> list:
    return [m for m in mail.outbox if "atur-ulang-kata-sandi" in m.body]


def link_path(body: str) -> str:
    return urlsplit(RESET_LINK.search(body).group(0)).path


def set_new_password(client, path: str, password: str = NEW_PASSWORD, capture=None):
    opened = client.get(path)
    assert opened.status_code == 302, "the link should be valid"
    form_url = opened.headers["Location"]
    data = {"new_password1": password, "new_password2": password}
    if capture is None:
        return client.post(form_url, data)
    with capture(execute=True):
        return client.post(form_url, data)


# ---------------------------------------------------------------------------
# Forgot password: the round trip
# ---------------------------------------------------------------------------


def test_the_reset_link_never_comes_from_the_requests_host(
    client, settings, vendor_a, django_capture_on_commit_callbacks
):
    """A reset asked for with a forged Host header still links to SITE_URL, port
    included: the visitor chooses the Host, and a link built from it could lead to
    another site (and the worker that renders the email has no request anyway)."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/lpse-a/lupa-kata-sandi/",
            {"identifier": vendor_a.username},
            HTTP_HOST="evil.example:9999",
        )
    run_tasks_until_idle(django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert (
        RESET_LINK.search(email.body)
        .group(0)
        .startswith("http://127.0.0.1:8000/lpse-a/atur-ulang-kata-sandi/")
    )
    assert "evil.example" not in email.body


def test_reset_round_trip_through_the_worker_sets_the_new_password(
    client, vendor_a, django_capture_on_commit_callbacks
):
    requested = ask_for_reset(client, django_capture_on_commit_callbacks, "00.123.456.7-410.1000")
    [email] = mail.outbox
    path = link_path(email.body)

    opened = client.get(path)
    form_page = client.get(opened.headers["Location"])
    done = client.post(
        opened.headers["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert requested.status_code == 302
    assert requested.headers["Location"] == "/lpse-a/lupa-kata-sandi/terkirim/"
    assert email.to == [vendor_a.email]
    assert "It works once and for 60 minutes" in email.body
    assert "If you did not ask for this, you can ignore this email" in email.body
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith("/set-password/")
    assert path.split("/")[-2] not in opened.headers["Location"]
    assert form_page.status_code == 200
    assert 'autocomplete="new-password"' in form_page.text
    assert "At least 15 characters, and up to 128." in form_page.text
    assert done.status_code == 302
    assert done.headers["Location"] == "/lpse-a/atur-ulang-kata-sandi/selesai/"
    assert login_post(Client(), "lpse-a", vendor_a.username, NEW_PASSWORD).status_code == 302
    assert login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 200
    assert AuditEvent.objects.filter(verb="account.password_reset", actor=vendor_a).count() == 1


def test_the_reset_does_not_sign_the_user_in_and_the_done_page_links_to_login(
    client, vendor_a, django_capture_on_commit_callbacks
):
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)

    done = set_new_password(client, link_path(mail.outbox[0].body))
    page = client.get(done.headers["Location"])

    assert page.status_code == 200
    assert "Your new password is set" in page.text
    assert 'href="/lpse-a/masuk/"' in page.text
    assert client.get("/lpse-a/dasbor/").status_code == 302


def test_the_reset_can_be_asked_for_by_email_address_in_any_letter_case(
    client, vendor_a, django_capture_on_commit_callbacks
):
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.email.upper())

    assert [m.to for m in reset_emails()] == [[vendor_a.email]]


def test_a_reset_by_email_reaches_every_account_of_that_address_on_this_portal_only(
    client, portal_a, portal_b, django_capture_on_commit_callbacks
):
    first = make_user(portal_a, username="penyedia-satu", email="bersama@example.id")
    second = make_user(portal_a, username="penyedia-dua", email="Bersama@Example.id")
    make_user(portal_b, username="penyedia-beta", email="bersama@example.id")

    ask_for_reset(client, django_capture_on_commit_callbacks, "bersama@example.id")

    bodies = [m.body for m in reset_emails()]
    assert len(bodies) == 2
    assert any(first.username in b for b in bodies)
    assert any(second.username in b for b in bodies)
    assert all("/lpse-a/" in b and "/lpse-b/" not in b for b in bodies)


def test_the_reset_link_expires_after_the_portals_minutes(django_capture_on_commit_callbacks):
    portal = make_portal("lpse-c", password_reset_minutes=10)
    user = make_user(portal, username="penyedia-c")
    client = Client()
    with time_machine.travel(START, tick=False):
        ask_for_reset(client, django_capture_on_commit_callbacks, user.username, slug="lpse-c")
    path = link_path(mail.outbox[0].body)

    with time_machine.travel(START + timedelta(minutes=9, seconds=59), tick=False):
        still_valid = Client().get(path)
    with time_machine.travel(START + timedelta(minutes=10, seconds=1), tick=False):
        expired = Client().get(path)

    assert "It works once and for 10 minutes" in mail.outbox[0].body
    assert still_valid.status_code == 302
    assert expired.status_code == 200
    assert "This link does not work" in expired.text
    assert 'href="/lpse-c/lupa-kata-sandi/"' in expired.text
    assert "new_password1" not in expired.text


def test_the_set_password_form_expires_with_the_link(
    client, vendor_a, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
        opened = client.get(link_path(mail.outbox[0].body))
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        late = client.post(
            opened.headers["Location"],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

    assert late.status_code == 200
    assert "This link does not work" in late.text
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)


def test_the_reset_link_works_only_once(client, vendor_a, django_capture_on_commit_callbacks):
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
    path = link_path(mail.outbox[0].body)
    set_new_password(client, path)

    again = Client().get(path)

    assert again.status_code == 200
    assert "This link does not work" in again.text


def test_an_older_link_dies_when_a_newer_one_is_used(
    client, vendor_a, django_capture_on_commit_callbacks
):
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
    older, newer = (link_path(m.body) for m in reset_emails())
    set_new_password(Client(), newer)

    assert "This link does not work" in Client().get(older).text


def test_a_link_of_portal_a_is_invalid_under_portal_b(
    client, vendor_a, portal_b, django_capture_on_commit_callbacks
):
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
    path = link_path(mail.outbox[0].body).replace("/lpse-a/", "/lpse-b/")

    response = client.get(path)
    direct = client.post(
        path.rsplit("/", 2)[0] + "/set-password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "This link does not work" in response.text
    assert direct.status_code == 200
    assert "This link does not work" in direct.text
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)


def test_a_session_token_of_portal_a_does_not_open_the_form_under_portal_b(
    client, vendor_a, portal_b, django_capture_on_commit_callbacks
):
    make_user(portal_b, username=vendor_a.username)
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
    opened = client.get(link_path(mail.outbox[0].body))

    other = client.get(opened.headers["Location"].replace("/lpse-a/", "/lpse-b/"))

    assert "This link does not work" in other.text


def test_completing_a_reset_ends_the_lock_and_every_session(
    client, vendor_a, django_capture_on_commit_callbacks
):
    first, second = Client(), Client()
    login_post(first, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    login_post(second, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    for _ in range(5):
        failure_register(
            portal=vendor_a.portal,
            username=vendor_a.username,
            client=ClientInfo("1.2.3.4", "ua", "", ""),
        )
    assert lock_until(portal=vendor_a.portal, username=vendor_a.username) is not None
    mail.outbox.clear()

    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
    set_new_password(client, link_path(reset_emails()[0].body))

    assert lock_until(portal=vendor_a.portal, username=vendor_a.username) is None
    assert first.get("/lpse-a/dasbor/").status_code == 302
    assert second.get("/lpse-a/dasbor/").status_code == 302
    assert set(UserSession.objects.values_list("end_reason", flat=True)) == {
        SessionEndReason.PASSWORD_RESET
    }
    assert login_post(Client(), "lpse-a", vendor_a.username, NEW_PASSWORD).status_code == 302


def test_a_reset_from_a_browser_signed_in_as_that_user_ends_its_session_without_error(
    client, vendor_a, django_capture_on_commit_callbacks
):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)

    done = set_new_password(client, link_path(reset_emails()[0].body))

    assert done.status_code == 302
    assert client.get("/lpse-a/dasbor/").status_code == 302
    assert client.get(done.headers["Location"]).status_code == 200


def test_the_password_changed_email_tells_time_address_helpdesk_and_reset_page(
    client, django_capture_on_commit_callbacks
):
    portal = make_portal("lpse-c", helpdesk_phone="021 555 0101", helpdesk_email="lpse@c.go.id")
    user = make_user(portal, username="penyedia-c")
    with time_machine.travel(START, tick=False):
        ask_for_reset(client, django_capture_on_commit_callbacks, user.username, slug="lpse-c")
        path = link_path(mail.outbox.pop().body)
        set_new_password(client, path, capture=django_capture_on_commit_callbacks)
        run_tasks_until_idle(django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert email.to == [user.email]
    assert "was changed" in email.subject
    assert "Time: 25 November 2026 09:00 WIB" in email.body
    assert "IP address: 127.0.0.1" in email.body
    assert "021 555 0101" in email.body
    assert "lpse@c.go.id" in email.body
    assert "/lpse-c/lupa-kata-sandi/" in email.body


def test_policy_errors_are_shown_next_to_the_new_password(
    client, django_capture_on_commit_callbacks
):
    user = make_user(make_portal("lpse-c"), username="budisantoso-rekanan")
    ask_for_reset(client, django_capture_on_commit_callbacks, user.username, slug="lpse-c")
    form_url = client.get(link_path(mail.outbox[0].body)).headers["Location"]

    def submit(first, second=None):
        data = {"new_password1": first, "new_password2": second or first}
        return client.post(form_url, data)

    too_short = submit("short-pass")
    similar = submit("budisantoso-rekanan-2026")
    portal_name = submit("lpse uji lpse-c!!")
    mismatch = submit(NEW_PASSWORD, NEW_PASSWORD + "x")
    too_long = submit("kata sandi " * 13)

    assert too_short.status_code == 200
    assert "too short" in str(too_short.context["form"].errors["new_password1"])
    assert 'id="id_new_password1_errors"' in too_short.text
    assert "too similar to the username" in similar.context["form"].errors["new_password1"][0]
    assert portal_name.context["form"].errors["new_password1"] == [
        "The password contains 'lpse', a word of the portal's name."
    ]
    assert "not the same" in mismatch.context["form"].errors["new_password2"][0]
    assert "too long" in too_long.context["form"].errors["new_password1"][0]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_portal_with_a_longer_minimum_says_so_up_front_and_enforces_it(
    django_capture_on_commit_callbacks,
):
    portal = make_portal("lpse-c", password_min_length=20)
    user = make_user(portal, username="penyedia-c", password="twenty-chars-or-more-ok")
    client = Client()
    ask_for_reset(client, django_capture_on_commit_callbacks, user.username, slug="lpse-c")
    form_url = client.get(link_path(mail.outbox[0].body)).headers["Location"]

    page = client.get(form_url)
    refused = client.post(form_url, {"new_password1": "sixteen-chars-xy", "new_password2": "x"})

    assert "At least 20 characters, and up to 128." in page.text
    assert "at least 20 characters" in refused.context["form"].errors["new_password1"][0]


# ---------------------------------------------------------------------------
# Forgot password: nothing tells whether the account exists
# ---------------------------------------------------------------------------


def test_known_and_unknown_identifiers_get_identical_answers_and_only_known_get_mail(
    vendor_a, django_capture_on_commit_callbacks
):
    known_client, unknown_client = Client(), Client()

    known = ask_for_reset(known_client, django_capture_on_commit_callbacks, vendor_a.username)
    unknown = ask_for_reset(unknown_client, django_capture_on_commit_callbacks, "tidak-ada-akun")
    known_page = known_client.get(known.headers["Location"])
    unknown_page = unknown_client.get(unknown.headers["Location"])

    assert known.status_code == unknown.status_code == 302
    assert comparable_headers(known) == comparable_headers(unknown)
    assert known.content == unknown.content
    assert sorted(known.cookies) == sorted(unknown.cookies)
    assert known_page.status_code == unknown_page.status_code == 200
    assert comparable_headers(known_page) == comparable_headers(unknown_page)
    assert mask_tokens(known_page.text) == mask_tokens(unknown_page.text)
    assert (
        "If that email address or username is registered on this portal, we have sent instructions"
        in known_page.text
    )
    assert "spam" in known_page.text
    assert len(mail.outbox) == 1


def test_an_account_of_another_portal_gets_no_reset_email(
    client, vendor_a, portal_b, django_capture_on_commit_callbacks
):
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username, slug="lpse-b")
    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.email, slug="lpse-b")

    assert mail.outbox == []
    assert Email.objects.count() == 0


def test_a_fourth_reset_request_within_the_hour_sends_no_fourth_email(
    client, vendor_a, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        answers = [
            ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)
            for _ in range(4)
        ]
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)

    assert {a.headers["Location"] for a in answers} == {"/lpse-a/lupa-kata-sandi/terkirim/"}
    assert len(reset_emails()) == 4  # three in the first hour, one after it


def test_an_inactive_account_can_still_ask_for_a_reset(
    client, vendor_a, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=vendor_a.pk).update(is_active=False)

    ask_for_reset(client, django_capture_on_commit_callbacks, vendor_a.username)

    assert len(reset_emails()) == 1


# ---------------------------------------------------------------------------
# Forgot username
# ---------------------------------------------------------------------------


def test_forgot_username_emails_every_username_of_that_address_on_this_portal_only(
    client, portal_a, portal_b, django_capture_on_commit_callbacks
):
    make_user(portal_a, username="penyedia-satu", email="bersama@example.id")
    make_user(portal_a, username="0012345674101000", email="BERSAMA@example.id")
    make_user(portal_a, username="orang-lain", email="lain@example.id")
    make_user(portal_b, username="penyedia-beta", email="bersama@example.id")

    response = ask_for_usernames(client, django_capture_on_commit_callbacks, "Bersama@Example.ID")

    [email] = mail.outbox
    assert response.status_code == 302
    assert "penyedia-satu" in email.body
    assert "0012345674101000" in email.body
    assert "orang-lain" not in email.body
    assert "penyedia-beta" not in email.body
    assert "/lpse-a/masuk/" in email.body
    assert "/lpse-a/lupa-kata-sandi/" in email.body


def test_forgot_username_answers_the_same_for_known_and_unknown_addresses(
    vendor_a, django_capture_on_commit_callbacks
):
    known_client, unknown_client = Client(), Client()

    known = ask_for_usernames(known_client, django_capture_on_commit_callbacks, vendor_a.email)
    unknown = ask_for_usernames(
        unknown_client, django_capture_on_commit_callbacks, "siapa@example.id"
    )
    known_page = known_client.get(known.headers["Location"])
    unknown_page = unknown_client.get(unknown.headers["Location"])

    assert known.status_code == unknown.status_code == 302
    assert comparable_headers(known) == comparable_headers(unknown)
    assert comparable_headers(known_page) == comparable_headers(unknown_page)
    assert mask_tokens(known_page.text) == mask_tokens(unknown_page.text)
    assert "If the address is registered on this portal" in known_page.text
    assert len(mail.outbox) == 1


def test_forgot_username_is_rate_limited_per_address(
    client, vendor_a, django_capture_on_commit_callbacks
):
    for _ in range(4):
        ask_for_usernames(client, django_capture_on_commit_callbacks, vendor_a.email)

    assert len(mail.outbox) == 3


def test_forgot_username_refuses_what_is_not_an_email_address_next_to_the_field(client, vendor_a):
    response = client.post("/lpse-a/lupa-nama-pengguna/", {"email": vendor_a.username})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'id="id_email_errors"' in response.text


# ---------------------------------------------------------------------------
# Change password (signed in)
# ---------------------------------------------------------------------------


def test_changing_the_password_needs_a_login(client, portal_a):
    response = client.get("/lpse-a/akun/kata-sandi/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/?next=")


def test_a_user_of_another_portal_is_sent_to_this_portals_login_and_nothing_changes(
    client, vendor_a, portal_b
):
    other = make_user(portal_b, username="penyedia-beta")
    login_post(client, "lpse-b", other.username, DEFAULT_PASSWORD)

    response = client.post(
        "/lpse-a/akun/kata-sandi/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")
    other.refresh_from_db()
    vendor_a.refresh_from_db()
    assert other.check_password(DEFAULT_PASSWORD)
    assert vendor_a.check_password(DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(verb="account.password_changed").exists()


def test_the_change_page_shows_the_policy_before_the_fields(client, vendor_a):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    page = client.get("/lpse-a/akun/kata-sandi/")

    assert page.status_code == 200
    assert page.text.index('id="password-policy"') < page.text.index('name="new_password1"')
    assert 'autocomplete="current-password"' in page.text
    assert page.text.count('autocomplete="new-password"') == 2
    assert 'href="/lpse-a/akun/kata-sandi/"' in client.get("/lpse-a/dasbor/").text


def test_a_wrong_current_password_is_reported_next_to_it_and_counts_nothing(client, vendor_a):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    attempts = LoginAttempt.objects.count()

    responses = [
        client.post(
            "/lpse-a/akun/kata-sandi/",
            {
                "current_password": "not-my-password-at-all",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        for _ in range(6)
    ]

    assert responses[-1].status_code == 200
    assert (
        "not your current password" in responses[-1].context["form"].errors["current_password"][0]
    )
    assert 'id="id_current_password_errors"' in responses[-1].text
    assert LoginAttempt.objects.count() == attempts
    assert lock_until(portal=vendor_a.portal, username=vendor_a.username) is None
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)
    assert client.get("/lpse-a/dasbor/").status_code == 200


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    client, vendor_a, django_capture_on_commit_callbacks
):
    other = Client()
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    login_post(other, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    old_key = client.session.session_key

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/lpse-a/akun/kata-sandi/",
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    run_tasks_until_idle(django_capture_on_commit_callbacks)
    dashboard = client.get("/lpse-a/dasbor/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"
    assert dashboard.status_code == 200
    assert "Your password is changed" in dashboard.text
    assert other.get("/lpse-a/dasbor/").status_code == 302
    current = UserSession.objects.get(ended_at__isnull=True)
    assert current.session_key == client.session.session_key != old_key
    assert UserSession.objects.get(ended_at__isnull=False).end_reason == (
        SessionEndReason.PASSWORD_CHANGED
    )
    assert AuditEvent.objects.filter(verb="account.password_changed", actor=vendor_a).count() == 1
    assert [m.subject for m in mail.outbox] == ["Your password on LPSE Alpha was changed"]
    assert login_post(Client(), "lpse-a", vendor_a.username, NEW_PASSWORD).status_code == 302


# ---------------------------------------------------------------------------
# "This wasn't me"
# ---------------------------------------------------------------------------


def not_me_path(user) -> str:
    return urlsplit(not_me_link(user)).path


def test_opening_the_not_me_link_changes_nothing(client, vendor_a):
    signed_in = Client()
    login_post(signed_in, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    page = client.get(not_me_path(vendor_a))

    assert page.status_code == 200
    assert '<form method="post"' in page.text
    assert "every session of the account is signed out" in page.text
    assert signed_in.get("/lpse-a/dasbor/").status_code == 200
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(verb="account.reported_not_me").exists()


def test_not_me_ends_every_session_kills_the_password_and_lands_on_the_set_password_form(
    client, vendor_a, django_capture_on_commit_callbacks
):
    attacker = Client()
    login_post(attacker, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    path = not_me_path(vendor_a)

    response = client.post(path)
    form_page = client.get(response.headers["Location"])
    done = client.post(
        response.headers["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/set-password/")
    assert response.headers["Location"].startswith("/lpse-a/atur-ulang-kata-sandi/")
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.text
    assert attacker.get("/lpse-a/dasbor/").status_code == 302
    assert UserSession.objects.get().end_reason == SessionEndReason.NOT_ME
    assert AuditEvent.objects.filter(verb="account.reported_not_me", actor=vendor_a).count() == 1
    assert "This link does not work" in Client().get(path).text
    assert done.headers["Location"] == "/lpse-a/atur-ulang-kata-sandi/selesai/"
    assert login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 200
    assert login_post(Client(), "lpse-a", vendor_a.username, NEW_PASSWORD).status_code == 302


def test_after_not_me_the_old_password_no_longer_works(client, vendor_a):
    client.post(not_me_path(vendor_a))

    refused = login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert refused.status_code == 200
    vendor_a.refresh_from_db()
    assert not vendor_a.has_usable_password()


def test_not_me_from_the_browser_signed_in_as_that_user_works(client, vendor_a):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.post(not_me_path(vendor_a))
    form_page = client.get(response.headers["Location"])

    assert response.status_code == 302
    assert 'name="new_password1"' in form_page.text
    assert client.get("/lpse-a/dasbor/").status_code == 302


def test_a_not_me_link_under_another_portal_or_expired_is_invalid_and_changes_nothing(
    client, vendor_a, portal_b
):
    with time_machine.travel(START, tick=False):
        path = not_me_path(vendor_a)
    elsewhere = client.post(path.replace("/lpse-a/", "/lpse-b/"))
    with time_machine.travel(START + timedelta(days=7, minutes=1), tick=False):
        expired = client.post(path)
    with time_machine.travel(START + timedelta(days=6), tick=False):
        still_valid = client.get(path)

    assert elsewhere.status_code == expired.status_code == 200
    assert "This link does not work" in elsewhere.text
    assert "This link does not work" in expired.text
    assert "It was not me" in still_valid.text
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(verb="account.reported_not_me").exists()


# ---------------------------------------------------------------------------
# Odd input, pages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"identifier": "x" * 100_000, "email": "x" * 100_000},
        {"identifier": "nul\x00byte", "email": "a\x00@example.id"},
        {"identifier": ["satu", "dua"], "email": ["a@example.id", "b@example.id"]},
        {"identifier": "", "email": ""},
        {},
        {"identifier": "   ", "email": "@"},
        {"identifier": "é" * 254, "email": "ü@exämple.id"},
    ],
)
def test_odd_input_to_the_anonymous_forms_never_gives_a_server_error(
    client, vendor_a, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post("/lpse-a/lupa-kata-sandi/", data),
            client.post("/lpse-a/lupa-nama-pengguna/", data),
        ]
    run_tasks_until_idle(django_capture_on_commit_callbacks)

    assert all(a.status_code in (200, 302) for a in answers)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "uidb64,token",
    [
        ("x" * 5000, "y" * 5000),
        ("%00", "%00"),
        ("MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw", "abc-def"),
        ("_-_-", "set-password"),
        ("MQ", "zzzzzzzzzzzzzzzzz-1"),
        ("LTE", "1-1"),
    ],
)
def test_odd_links_never_give_a_server_error(client, vendor_a, uidb64, token):
    for base in ("atur-ulang-kata-sandi", "bukan-saya"):
        url = f"/lpse-a/{base}/{uidb64}/{token}/"
        assert client.get(url).status_code == 200
        assert client.post(url, {"new_password1": ["a", "b"]}).status_code == 200
    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)


def test_odd_input_to_the_change_form_never_gives_a_server_error(client, vendor_a):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    for data in (
        {"current_password": "x" * 100_000, "new_password1": "y" * 100_000},
        {"current_password": "\x00", "new_password1": "\x00" * 20, "new_password2": "\x00" * 20},
        {"current_password": [DEFAULT_PASSWORD, "b"], "new_password1": ["c", "d"]},
        {},
    ):
        response = client.post("/lpse-a/akun/kata-sandi/", data)
        assert response.status_code == 200

    vendor_a.refresh_from_db()
    assert vendor_a.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "path",
    [
        "/lpse-a/lupa-kata-sandi/",
        "/lpse-a/lupa-nama-pengguna/",
        "/lpse-a/lupa-nama-pengguna/?sent=1",
    ],
)
def test_the_public_pages_have_one_h1_and_are_not_cached(client, portal_a, path):
    response = client.get(path)

    assert response.status_code == 200
    assert len(re.findall(r"<h1[\s>]", response.text)) == 1
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "max-age=0" in (response.headers["Cache-Control"])
    )


def test_the_pages_do_not_exist_outside_a_portal(client):
    assert client.get("/tidak-ada/lupa-kata-sandi/").status_code == 404


def test_a_staff_account_resets_like_a_vendor(client, portal_a, django_capture_on_commit_callbacks):
    staff = make_user(portal_a, role=Role.HELPDESK, username="petugas")

    ask_for_reset(client, django_capture_on_commit_callbacks, "PETUGAS")
    done = set_new_password(Client(), link_path(mail.outbox[0].body))

    assert done.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
