"""The helpdesk's reset of a user's second factors (the holder lost them): an audited,
emailed action that ends every session of the account."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.models import (
    Passkey,
    RecoveryCode,
    RememberedBrowser,
    Role,
    SessionEndReason,
    UserSession,
)
from inaproc.accounts.services.factor_policy import remembered_browser_create
from inaproc.accounts.services.factors import recovery_codes_generate
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from tests.factories import DEFAULT_PASSWORD, make_passkey, make_totp_device, make_user
from tests.helpers import login_post, login_with_second_factor, session_of, signed_in

pytestmark = pytest.mark.django_db

REASON = "Phone lost; identity checked by calling the office back"
USER_TEMPLATE = "accounts/email/second_factor_changed"
ADMIN_TEMPLATE = "accounts/email/second_factor_reset_admin"
ENROLMENT = "/lpse-a/akun/faktor-kedua/"


def reset_url(user_id, slug="lpse-a"):
    return f"/{slug}/staf/helpdesk/pengguna/{user_id}/faktor/reset/"


def activity_url(user_id, slug="lpse-a"):
    return f"/{slug}/staf/helpdesk/pengguna/{user_id}/aktivitas/"


def confirmed(reason=REASON):
    return {"identity_checked": "on", "reason": reason}


def with_every_factor(user):
    """`user` with an authenticator app, two passkeys, recovery codes (one used) and a
    remembered browser."""
    make_totp_device(user)
    for n in (1, 2):
        make_passkey(user, n)
    recovery_codes_generate(user=user)
    RecoveryCode.objects.filter(user=user).order_by("pk").first().delete()
    remembered_browser_create(user=user, browser="Firefox 140")
    return user


def factor_rows(user) -> tuple[int, int, int, int]:
    return (
        TOTPDevice.objects.filter(user=user).count(),
        Passkey.objects.filter(user=user).count(),
        RecoveryCode.objects.filter(user=user).count(),
        RememberedBrowser.objects.filter(user=user).count(),
    )


def reset_emails():
    return Email.objects.filter(template__in=[USER_TEMPLATE, ADMIN_TEMPLATE])


@pytest.fixture
def vendor_with_factors(vendor_a):
    return with_every_factor(vendor_a)


# -----------------------------------------------------------------------------
# The user's page and the reset page
# -----------------------------------------------------------------------------
def test_the_users_page_shows_the_factor_status_and_links_to_the_reset(
    client, vendor_with_factors, helpdesk_a
):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(activity_url(vendor_with_factors.pk))

    assert response.status_code == 200
    text = response.text
    assert "<dt>Authenticator app</dt><dd>Active</dd>" in text
    assert "<dt>Passkeys</dt><dd>2</dd>" in text
    assert "<dt>Unused recovery codes</dt><dd>9</dd>" in text
    assert "<dt>Remembered browsers</dt><dd>1</dd>" in text
    assert f'href="{reset_url(vendor_with_factors.pk)}"' in text


def test_the_users_page_of_an_account_without_factors_offers_no_reset(client, vendor_a, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(activity_url(vendor_a.pk))

    assert "<dt>Authenticator app</dt><dd>None yet</dd>" in response.text
    assert "<dt>Passkeys</dt><dd>0</dd>" in response.text
    assert reset_url(vendor_a.pk) not in response.text


def test_the_users_page_names_the_apps_state_in_indonesian(
    client, portal_a, vendor_with_factors, helpdesk_a
):
    signed_in(helpdesk_a, client=client)

    with_app = client.get(activity_url(vendor_with_factors.pk)).text
    without = client.get(activity_url(make_user(portal_a).pk)).text

    assert "<dt>Aplikasi Autentikator</dt><dd>Aktif</dd>" in with_app
    assert "<dt>Aplikasi Autentikator</dt><dd>Belum ada</dd>" in without


def test_ones_own_page_offers_no_reset(client, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(activity_url(helpdesk_a.pk))

    assert "<dt>Authenticator app</dt><dd>Active</dd>" in response.text
    assert reset_url(helpdesk_a.pk) not in response.text
    assert "reset by another helpdesk officer" in response.text


def test_the_reset_page_shows_the_user_and_what_will_happen(
    client, vendor_with_factors, helpdesk_a
):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(reset_url(vendor_with_factors.pk))

    assert response.status_code == 200
    text = response.text
    assert text.count("<h1") == 1
    assert f"Reset the second factors of {vendor_with_factors.username}" in text
    assert vendor_with_factors.email in text
    assert "<dt>Passkeys</dt><dd>2</dd>" in text
    assert "Every open session of the account ends." in text
    assert 'name="identity_checked"' in text
    assert 'name="reason"' in text
    assert "no-store" in response.headers["Cache-Control"]
    assert factor_rows(vendor_with_factors) == (1, 2, 9, 1)


def test_the_reset_page_of_an_account_without_factors_has_no_form(client, vendor_a, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    response = client.get(reset_url(vendor_a.pk))

    assert response.status_code == 200
    assert "there is nothing to reset" in response.text
    assert 'name="reason"' not in response.text


# -----------------------------------------------------------------------------
# The reset
# -----------------------------------------------------------------------------
def test_reset_removes_every_factor_ends_the_sessions_audits_and_emails(
    client, portal_a, vendor_with_factors, helpdesk_a
):
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")
    vendor_browser = signed_in(vendor_with_factors)
    vendor_session = session_of(vendor_browser)
    assert vendor_browser.get("/lpse-a/dasbor/").status_code == 200
    signed_in(helpdesk_a, client=client, english=True)
    emails_before = set(Email.objects.values_list("pk", flat=True))

    response = client.post(reset_url(vendor_with_factors.pk), confirmed())
    followed = client.get(response.url)

    assert response.status_code == 302
    assert response.url == activity_url(vendor_with_factors.pk)
    assert "are removed and their sessions ended" in followed.text
    assert factor_rows(vendor_with_factors) == (0, 0, 0, 0)
    vendor_session.refresh_from_db()
    assert vendor_session.end_reason == SessionEndReason.FACTORS_RESET
    assert vendor_browser.get("/lpse-a/dasbor/").status_code == 302
    event = AuditEvent.objects.get(verb="second_factor.reset")
    assert event.actor == helpdesk_a
    assert event.target_id == str(vendor_with_factors.pk)
    assert event.portal == portal_a
    assert event.reason == REASON
    sent = Email.objects.exclude(pk__in=emails_before)
    assert sorted(sent.values_list("to", "template")) == sorted(
        [(vendor_with_factors.email, USER_TEMPLATE), (admin.email, ADMIN_TEMPLATE)]
    )
    admin_body = sent.get(template=ADMIN_TEMPLATE).body
    assert REASON in admin_body
    assert f"Hana Help reset every second factor of the account {vendor_with_factors.username}" in (
        " ".join(admin_body.split())
    )


def test_after_the_reset_the_vendor_signs_in_with_the_password_alone(
    client, vendor_with_factors, helpdesk_a
):
    assert login_post(Client(), "lpse-a", vendor_with_factors.username, DEFAULT_PASSWORD).url == (
        "/lpse-a/masuk/faktor-kedua/"
    )
    signed_in(helpdesk_a, client=client, english=True)
    client.post(reset_url(vendor_with_factors.pk), confirmed())

    response = login_post(Client(), "lpse-a", vendor_with_factors.username, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response.url == "/lpse-a/dasbor/"


def test_a_reset_staff_member_is_walked_through_enrolment_again(client, portal_a, helpdesk_a):
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verifikator")
    login_with_second_factor(Client(), "lpse-a", verifier, DEFAULT_PASSWORD)
    signed_in(helpdesk_a, client=client, english=True)
    client.post(reset_url(verifier.pk), confirmed())
    browser = Client()

    login_post(browser, "lpse-a", verifier.username, DEFAULT_PASSWORD)
    queue = browser.get("/lpse-a/dasbor/")

    assert queue.status_code == 302
    assert queue.url == ENROLMENT


def test_portal_administrators_may_reset_too(client, portal_a, vendor_with_factors):
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")
    signed_in(admin, client=client, english=True)

    response = client.post(reset_url(vendor_with_factors.pk), confirmed())

    assert response.status_code == 302
    assert factor_rows(vendor_with_factors) == (0, 0, 0, 0)
    assert AuditEvent.objects.get(verb="second_factor.reset").actor == admin


def test_a_helpdesk_officer_may_reset_a_staff_members_factors(client, portal_a, helpdesk_a):
    verifier = with_every_factor(make_user(portal_a, role=Role.VERIFIER, username="verif"))
    signed_in(helpdesk_a, client=client, english=True)

    client.post(reset_url(verifier.pk), confirmed())

    assert factor_rows(verifier) == (0, 0, 0, 0)


# -----------------------------------------------------------------------------
# Refused: nothing changes, nothing is sent
# -----------------------------------------------------------------------------
def assert_nothing_changed(user, emails_before):
    assert factor_rows(user) == (1, 2, 9, 1)
    assert not AuditEvent.objects.filter(verb="second_factor.reset").exists()
    assert not reset_emails().exclude(pk__in=emails_before).exists()
    assert UserSession.objects.filter(end_reason=SessionEndReason.FACTORS_RESET).count() == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"identity_checked": "on", "reason": ""}, "This field is required."),
        ({"identity_checked": "on", "reason": "ok"}, "at least 5 characters"),
        ({"identity_checked": "on", "reason": "x" * 501}, "at most 500 characters"),
        ({"reason": REASON}, "Confirm that you checked the holder&#x27;s identity."),
    ],
)
def test_a_reset_needs_the_identity_check_and_a_reason(
    client, vendor_with_factors, helpdesk_a, data, error
):
    signed_in(helpdesk_a, client=client, english=True)
    emails_before = list(Email.objects.values_list("pk", flat=True))

    response = client.post(reset_url(vendor_with_factors.pk), data)

    assert response.status_code == 200
    assert error in response.text
    assert 'role="alert"' in response.text
    assert response.text.count("<h1") == 1
    assert_nothing_changed(vendor_with_factors, emails_before)


def test_a_staff_member_cannot_reset_their_own_factors(client, helpdesk_a):
    with_every_factor(helpdesk_a)
    signed_in(helpdesk_a, client=client, english=True)
    emails_before = list(Email.objects.values_list("pk", flat=True))

    page = client.get(reset_url(helpdesk_a.pk))
    post = client.post(reset_url(helpdesk_a.pk), confirmed())

    assert page.status_code == post.status_code == 403
    assert_nothing_changed(helpdesk_a, emails_before)


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIER])
def test_users_without_a_helpdesk_role_get_403(client, portal_a, vendor_with_factors, role):
    user = make_user(portal_a, role=role, username=f"bukan-staf-{role}")
    signed_in(user, client=client, english=True)
    emails_before = list(Email.objects.values_list("pk", flat=True))

    page = client.get(reset_url(vendor_with_factors.pk))
    post = client.post(reset_url(vendor_with_factors.pk), confirmed())

    assert page.status_code == post.status_code == 403
    assert_nothing_changed(vendor_with_factors, emails_before)


def test_anonymous_visitors_are_sent_to_the_login(client, vendor_with_factors):
    emails_before = list(Email.objects.values_list("pk", flat=True))

    page = client.get(reset_url(vendor_with_factors.pk))
    post = client.post(reset_url(vendor_with_factors.pk), confirmed())

    assert page.status_code == post.status_code == 302
    assert page.url.startswith("/lpse-a/masuk/?next=")
    assert post.url.startswith("/lpse-a/masuk/?next=")
    assert_nothing_changed(vendor_with_factors, emails_before)


def test_helpdesk_of_another_portal_gets_404_for_this_portals_user(
    client, portal_b, vendor_with_factors
):
    helpdesk_b = make_user(portal_b, role=Role.HELPDESK, username="helpdesk-b")
    signed_in(helpdesk_b, client=client, english=True)
    emails_before = list(Email.objects.values_list("pk", flat=True))

    # On its own portal with the other portal's user id, and on the other portal.
    own_portal = client.post(reset_url(vendor_with_factors.pk, "lpse-b"), confirmed())
    other_portal = client.post(reset_url(vendor_with_factors.pk), confirmed())

    assert own_portal.status_code == 404
    assert other_portal.status_code == 302
    assert other_portal.url.startswith("/lpse-a/masuk/")
    assert_nothing_changed(vendor_with_factors, emails_before)


def test_a_missing_user_id_is_404(client, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    assert client.get(reset_url(999999)).status_code == 404
    assert client.post(reset_url(999999), confirmed()).status_code == 404


def test_an_officer_whose_last_check_is_old_confirms_the_factor_first(
    client, vendor_with_factors, helpdesk_a
):
    signed_in(helpdesk_a, client=client, english=True)
    user_session = session_of(client)
    UserSession.objects.filter(pk=user_session.pk).update(
        second_factor_at=timezone.now() - timedelta(minutes=11)
    )
    emails_before = list(Email.objects.values_list("pk", flat=True))

    response = client.post(reset_url(vendor_with_factors.pk), confirmed())

    assert response.status_code == 302
    assert response.url.startswith("/lpse-a/akun/konfirmasi-faktor/?next=")
    assert_nothing_changed(vendor_with_factors, emails_before)


def test_a_post_for_an_account_without_factors_changes_nothing(client, vendor_a, helpdesk_a):
    vendor_browser = signed_in(vendor_a)
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(reset_url(vendor_a.pk), confirmed())
    followed = client.get(response.url)

    assert response.status_code == 302
    assert "has no second factor. Nothing was changed." in followed.text
    assert not AuditEvent.objects.filter(verb="second_factor.reset").exists()
    assert vendor_browser.get("/lpse-a/dasbor/").status_code == 200


def test_the_reset_is_not_reachable_with_other_methods(client, vendor_with_factors, helpdesk_a):
    signed_in(helpdesk_a, client=client, english=True)

    assert client.put(reset_url(vendor_with_factors.pk)).status_code == 405
