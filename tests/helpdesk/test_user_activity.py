"""Finding a user and reading their login activity (an audited look at personal data)."""

from datetime import timedelta

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import LoginOutcome, Role
from inaproc.accounts.services.signin import attempt_record, failure_register
from inaproc.audit.models import AuditEvent
from inaproc.core.context import ClientInfo
from inaproc.helpdesk.access import access_portal_user
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_post, signed_in

pytestmark = pytest.mark.django_db

SEARCH = "/lpse-a/staf/helpdesk/pengguna/"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
CLIENT = ClientInfo("1.2.3.4", "ua", "Firefox 140", "Ubuntu")


def activity_url(user_id, slug="lpse-a"):
    return f"/{slug}/staf/helpdesk/pengguna/{user_id}/aktivitas/"


@pytest.fixture
def vendor_b(portal_b):
    return make_user(portal_b, username="penyedia-beta", full_name="CV Beta")


def test_search_finds_this_portals_accounts_by_username_npwp_email_or_name(
    client, vendor_a, vendor_b, helpdesk_a
):
    signed_in(helpdesk_a, client=client, english=True)

    by_npwp = client.get(SEARCH, {"q": "00.123.456.7-410"})
    by_email = client.get(SEARCH, {"q": vendor_a.email.upper()})
    by_name = client.get(SEARCH, {"q": "alpha jaya"})
    other_portal = client.get(SEARCH, {"q": "beta"})

    for response in (by_npwp, by_email, by_name):
        assert response.status_code == 200
        assert activity_url(vendor_a.pk) in response.text
    assert "penyedia-beta" not in other_portal.text
    assert "No account of this portal matches your search." in other_portal.text


def test_search_needs_three_characters(client, vendor_a, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(SEARCH, {"q": "00"})

    assert "at least 3 characters" in response.text
    assert activity_url(vendor_a.pk) not in response.text


def test_search_page_without_a_query_shows_just_the_form(client, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(SEARCH)

    assert response.status_code == 200
    assert "field-errors" not in response.text
    assert response.text.count("<h1") == 1


def test_search_survives_odd_queries(client, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    for params in ({"q": "nul\x00byte"}, {"q": "y" * 500}, {"q": "abc", "page": "zz"}):
        assert client.get(SEARCH, params).status_code == 200


def test_viewing_activity_shows_the_attempts_and_writes_an_audit_row(client, vendor_a, helpdesk_a):
    with time_machine.travel(START, tick=False):
        failure_register(portal=vendor_a.portal, username=vendor_a.username, client=CLIENT)
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(activity_url(vendor_a.pk))

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert "25 November 2026 09:00 WIB" in response.text
    assert "Wrong username, password or code" in response.text
    assert "1.2.3.4" in response.text
    assert "Firefox 140 on Ubuntu" in response.text
    event = AuditEvent.objects.get(verb="login_activity.viewed")
    assert event.actor == helpdesk_a
    assert event.target_id == str(vendor_a.pk)
    assert event.portal == vendor_a.portal


def test_activity_shows_only_the_last_90_days(client, vendor_a, helpdesk_a):
    attempt_record(
        portal=vendor_a.portal,
        username=vendor_a.username,
        outcome=LoginOutcome.SUCCESS,
        client=ClientInfo("7.7.7.7", "", "", ""),
        user=vendor_a,
        at=START - timedelta(days=91),
    )
    attempt_record(
        portal=vendor_a.portal,
        username=vendor_a.username,
        outcome=LoginOutcome.SUCCESS,
        client=ClientInfo("8.8.8.8", "", "", ""),
        user=vendor_a,
        at=START - timedelta(days=89),
    )
    with time_machine.travel(START, tick=False):
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(activity_url(vendor_a.pk))

    assert "8.8.8.8" in response.text
    assert "7.7.7.7" not in response.text


def test_activity_shows_the_lock_with_an_unlock_form_and_open_sessions(
    client, vendor_a, helpdesk_a
):
    with time_machine.travel(START, tick=False):
        assert (
            login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 302
        )
        for _ in range(5):
            failure_register(portal=vendor_a.portal, username=vendor_a.username, client=CLIENT)
        signed_in(helpdesk_a, client=client, english=True)
        response = client.get(activity_url(vendor_a.pk))

    assert "Yes, until 25 November 2026 09:15 WIB" in response.text
    assert 'action="/lpse-a/staf/helpdesk/kunci/buka/"' in response.text
    assert f'name="next" value="{activity_url(vendor_a.pk)}"' in response.text
    assert "<dt>Open sessions</dt><dd>1</dd>" in response.text


def test_activity_of_another_portals_user_or_a_missing_id_is_404_and_not_audited(
    client, vendor_b, helpdesk_a
):
    signed_in(helpdesk_a, client=client, english=True)

    responses = [
        client.get(activity_url(vendor_b.pk)),
        client.get(activity_url(999999)),
        client.get(activity_url(99999999999999999999999)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert not AuditEvent.objects.filter(verb="login_activity.viewed").exists()


def test_activity_survives_odd_page_numbers(client, vendor_a, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    for page in ("abc", "0", "-3", "99999999999999999999", ""):
        assert client.get(activity_url(vendor_a.pk), {"page": page}).status_code == 200


def test_access_portal_user_gives_one_404_for_missing_and_other_portal(
    portal_a, vendor_a, vendor_b, helpdesk_a
):
    assert access_portal_user(portal=portal_a, user=helpdesk_a, user_id=vendor_a.pk) == vendor_a
    with pytest.raises(Http404):
        access_portal_user(portal=portal_a, user=helpdesk_a, user_id=vendor_b.pk)
    with pytest.raises(Http404):
        access_portal_user(portal=portal_a, user=helpdesk_a, user_id=0)


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIER])
def test_users_without_a_staff_role_get_403_and_nothing_is_audited(client, vendor_a, role):
    user = make_user(vendor_a.portal, role=role, username=f"bukan-staf-{role}")
    signed_in(user, client=client, english=True)

    search = client.get(SEARCH, {"q": "alpha"})
    activity = client.get(activity_url(vendor_a.pk))

    assert search.status_code == activity.status_code == 403
    assert not AuditEvent.objects.filter(verb="login_activity.viewed").exists()


def test_anonymous_visitors_are_sent_to_the_login_and_nothing_is_audited(client, vendor_a):
    search = client.get(SEARCH)
    activity = client.get(activity_url(vendor_a.pk))

    assert search.url.startswith("/lpse-a/masuk/?next=")
    assert activity.url.startswith("/lpse-a/masuk/?next=")
    assert not AuditEvent.objects.filter(verb="login_activity.viewed").exists()


def test_helpdesk_of_another_portal_sees_nothing_of_this_portals_users(client, vendor_a, portal_b):
    helpdesk_b = make_user(portal_b, role=Role.HELPDESK, username="helpdesk-b")
    signed_in(helpdesk_b, client=client, english=True)

    own_portal = client.get(activity_url(vendor_a.pk, slug="lpse-b"))
    search = client.get("/lpse-b/staf/helpdesk/pengguna/", {"q": "alpha"})
    other_portal = client.get(activity_url(vendor_a.pk))

    assert own_portal.status_code == 404
    assert "PT Alpha Jaya" not in search.text
    assert other_portal.status_code == 302
    assert not AuditEvent.objects.filter(verb="login_activity.viewed").exists()


def test_portal_administrators_may_read_activity_too(client, vendor_a, admin_a):
    signed_in(admin_a, client=client, english=True)

    response = client.get(activity_url(vendor_a.pk))

    assert response.status_code == 200
    assert AuditEvent.objects.get(verb="login_activity.viewed").actor == admin_a
