"""The helpdesk's list of locked usernames and the audited unlock."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import Role, UsernameLock
from inaproc.accounts.selectors import lock_until
from inaproc.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpdesk.ticket_builders import lock_out
from tests.helpers import login_post, signed_in

pytestmark = pytest.mark.django_db

LOCKS = "/lpse-a/staf/helpdesk/kunci/"
UNLOCK = "/lpse-a/staf/helpdesk/kunci/buka/"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
REASON = "identity checked by phone"


def lock_state(portal, username):
    row = UsernameLock.objects.get(portal=portal, username_key=username.lower())
    return row.locked_at, row.locked_until, row.counted_since


@pytest.fixture
def locked_vendor(vendor_a):
    with time_machine.travel(START, tick=False):
        lock_out(vendor_a.portal, vendor_a.username)
    return vendor_a


def test_list_shows_only_this_portals_current_locks(client, portal_a, portal_b, helpdesk_a):
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        lock_out(portal_a, "kunci-lama")
    with time_machine.travel(START, tick=False):
        lock_out(portal_a, "kunci-alpha")
        lock_out(portal_b, "kunci-beta")
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(LOCKS)

    assert response.status_code == 200
    assert "kunci-alpha" in response.text
    assert "kunci-beta" not in response.text
    assert "kunci-lama" not in response.text
    assert response.text.count("<h1") == 1


def test_list_shows_the_account_lock_times_failure_count_and_last_ip(
    client, portal_a, vendor_a, helpdesk_a
):
    with time_machine.travel(START - timedelta(hours=30), tick=False):
        lock_out(portal_a, vendor_a.username, ip="9.9.9.9", times=1)  # older than 24 h
    with time_machine.travel(START, tick=False):
        lock_out(portal_a, vendor_a.username, ip="1.2.3.4", times=4)
        lock_out(portal_a, vendor_a.username, ip="5.6.7.8", times=2)  # the fifth locks
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(LOCKS)

    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", response.text, re.S).group(0)
    assert vendor_a.username in row
    assert "PT Alpha Jaya" in row
    assert vendor_a.email in row
    assert "25 November 2026 09:00 WIB" in row
    assert "25 November 2026 09:15 WIB" in row
    assert "<td>6</td>" in row
    assert "5.6.7.8" in row


def test_list_says_when_no_account_has_the_locked_username(client, portal_a, helpdesk_a):
    with time_machine.travel(START, tick=False):
        lock_out(portal_a, "tidak-ada-orangnya")
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(LOCKS)

    assert "tidak-ada-orangnya" in response.text
    assert "No account with this username" in response.text


def test_list_search_filters_by_username_contains(client, portal_a, helpdesk_a):
    with time_machine.travel(START, tick=False):
        lock_out(portal_a, "budi-santoso")
        lock_out(portal_a, "siti-aminah")
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(LOCKS, {"q": "SANTO"})

    assert "budi-santoso" in response.text
    assert "siti-aminah" not in response.text


def test_list_has_an_empty_state(client, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(LOCKS)

    assert "No username is locked right now." in response.text


def test_list_survives_odd_page_numbers_and_queries(client, portal_a, helpdesk_a):
    with time_machine.travel(START, tick=False):
        lock_out(portal_a, "kunci-alpha")
        signed_in(helpdesk_a, client=client, english=True)
        responses = [
            client.get(LOCKS, params)
            for params in (
                {"page": "abc"},
                {"page": "-1"},
                {"page": "99999999999999999999999"},
                {"q": "x" * 500},
                {"q": "nul\x00byte"},
                {"q": ["a", "b"], "page": ["1", "2"]},
            )
        ]

    assert [r.status_code for r in responses] == [200] * len(responses)
    assert "kunci-alpha" in responses[0].text


def test_unlock_ends_the_lock_audits_the_reason_and_the_right_password_then_works(
    client, locked_vendor, helpdesk_a
):
    portal = locked_vendor.portal
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        signed_in(helpdesk_a, client=client, english=True)
        response = client.post(UNLOCK, {"username": locked_vendor.username, "reason": REASON})
        followed = client.get(response.url)
        login = login_post(Client(), "lpse-a", locked_vendor.username, DEFAULT_PASSWORD)

        assert lock_until(portal=portal, username=locked_vendor.username) is None

    assert response.status_code == 302
    assert response.url.startswith(LOCKS)
    assert "is unlocked" in followed.text
    events = AuditEvent.objects.filter(verb="account.unlocked")
    assert events.count() == 1
    event = events.get()
    assert event.actor == helpdesk_a
    assert event.reason == REASON
    assert event.target_id == str(locked_vendor.pk)
    assert event.portal == portal
    assert login.status_code == 302


def test_unlock_without_a_reason_shows_the_error_at_the_field_and_changes_nothing(
    client, locked_vendor, helpdesk_a
):
    before = lock_state(locked_vendor.portal, locked_vendor.username)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        signed_in(helpdesk_a, client=client, english=True)
        missing = client.post(UNLOCK, {"username": locked_vendor.username, "reason": ""})
        short = client.post(UNLOCK, {"username": locked_vendor.username, "reason": "ok"})

    assert missing.status_code == 200
    assert re.search(
        r'<div class="field-errors" id="unlock-reason_errors"><p>This field is required.</p>',
        missing.text,
    )
    assert 'aria-describedby="unlock-reason_help unlock-reason_errors"' in missing.text
    assert "at least 5 characters" in short.text
    assert missing.text.count("<h1") == 1
    assert lock_state(locked_vendor.portal, locked_vendor.username) == before
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


def test_unlock_of_a_username_not_locked_says_so_and_audits_nothing(client, vendor_a, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(UNLOCK, {"username": vendor_a.username, "reason": REASON}, follow=True)

    assert "is not locked" in response.text
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


def test_unlock_after_the_lock_ended_by_itself_audits_nothing(client, locked_vendor, helpdesk_a):
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        signed_in(helpdesk_a, client=client, english=True)
        response = client.post(
            UNLOCK, {"username": locked_vendor.username, "reason": REASON}, follow=True
        )

    assert "is not locked" in response.text
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


def test_unlock_returns_only_to_a_page_inside_the_portal(client, locked_vendor, helpdesk_a):
    activity = f"/lpse-a/staf/helpdesk/pengguna/{locked_vendor.pk}/aktivitas/"
    data = {"username": locked_vendor.username, "reason": REASON}
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        signed_in(helpdesk_a, client=client, english=True)
        inside = client.post(UNLOCK, {**data, "next": activity})
        outside = client.post(UNLOCK, {**data, "next": "https://evil.example/"})
        other_portal = client.post(UNLOCK, {**data, "next": "/lpse-b/dasbor/"})

    assert inside.url == activity
    assert outside.url == LOCKS
    assert other_portal.url == LOCKS


def test_helpdesk_of_another_portal_cannot_unlock(client, locked_vendor, helpdesk_b):
    before = lock_state(locked_vendor.portal, locked_vendor.username)
    data = {"username": locked_vendor.username, "reason": REASON}
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        signed_in(helpdesk_b, client=client, english=True)
        own_portal = client.post("/lpse-b/staf/helpdesk/kunci/buka/", data, follow=True)
        other_portal = client.post(UNLOCK, data)

        assert lock_until(portal=locked_vendor.portal, username=locked_vendor.username)

    assert "is not locked" in own_portal.text
    assert other_portal.status_code == 302
    assert other_portal.url.startswith("/lpse-a/masuk/")
    assert lock_state(locked_vendor.portal, locked_vendor.username) == before
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIER])
def test_users_without_a_staff_role_get_403_and_change_nothing(client, locked_vendor, role):
    user = make_user(locked_vendor.portal, role=role, username=f"bukan-staf-{role}")
    before = lock_state(locked_vendor.portal, locked_vendor.username)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        signed_in(user, client=client, english=True)
        listing = client.get(LOCKS)
        unlock = client.post(UNLOCK, {"username": locked_vendor.username, "reason": REASON})

    assert listing.status_code == 403
    assert unlock.status_code == 403
    assert lock_state(locked_vendor.portal, locked_vendor.username) == before
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


def test_anonymous_visitors_are_sent_to_the_login(client, locked_vendor):
    before = lock_state(locked_vendor.portal, locked_vendor.username)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        listing = client.get(LOCKS)
        unlock = client.post(UNLOCK, {"username": locked_vendor.username, "reason": REASON})

    assert listing.status_code == unlock.status_code == 302
    assert listing.url.startswith("/lpse-a/masuk/?next=")
    assert unlock.url.startswith("/lpse-a/masuk/?next=")
    assert lock_state(locked_vendor.portal, locked_vendor.username) == before
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


def test_portal_administrators_may_unlock_too(client, locked_vendor, admin_a):
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        signed_in(admin_a, client=client, english=True)
        listing = client.get(LOCKS)
        client.post(UNLOCK, {"username": locked_vendor.username, "reason": REASON})

        assert lock_until(portal=locked_vendor.portal, username=locked_vendor.username) is None

    assert listing.status_code == 200
    assert AuditEvent.objects.get(verb="account.unlocked").actor == admin_a


def test_the_unlock_list_is_not_reachable_by_get_on_the_unlock_url(client, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    assert client.get(UNLOCK).status_code == 405


def test_dashboard_links_helpdesk_and_portal_admin_to_the_tools(client, helpdesk_a, admin_a):
    signed_in(helpdesk_a, client=client, english=True)
    helpdesk_page = client.get("/lpse-a/dasbor/")
    signed_in(admin_a, client=client, english=True)
    admin_page = client.get("/lpse-a/dasbor/")

    for page in (helpdesk_page, admin_page):
        assert 'href="/lpse-a/staf/helpdesk/kunci/"' in page.text
        assert 'href="/lpse-a/staf/helpdesk/pengguna/"' in page.text
