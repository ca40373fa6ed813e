"""The second-factor services: who must have one, the authenticator app (confirmation,
±1 step, no replay), recovery codes, notifications, remembered browsers, the check in a
session, and the helpdesk's reset."""

import re
from datetime import timedelta

import pytest
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
from inaproc.accounts.services.factor_policy import (
    remember_allowed,
    remembered_browser_create,
    remembered_browser_valid,
    remembered_browsers_forget,
)
from inaproc.accounts.services.factors import (
    FactorKind,
    has_second_factor,
    recovery_code_use,
    recovery_codes_generate,
    recovery_codes_left,
    second_factor_code_check,
    second_factor_mark,
    second_factor_recent,
    second_factor_required,
    second_factors_reset,
    totp_code_valid,
    totp_device,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_remove,
)
from inaproc.accounts.services.sessions import session_open
from inaproc.audit.models import AuditEvent
from inaproc.core.context import ClientInfo
from inaproc.core.http import audit_context
from inaproc.notifications.models import Email
from tests.accounts.factor_helpers import START, code_of
from tests.factories import make_company_member, make_portal, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "english")]

CLIENT = ClientInfo("127.0.0.1", "", "", "")


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def factor_events() -> list[str]:
    return list(
        AuditEvent.objects.filter(verb__startswith="second_factor.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def subjects(user) -> list[str]:
    return list(
        Email.objects.filter(to=user.email).order_by("pk").values_list("subject", flat=True)
    )


# --- Who must have a second factor ------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.VENDOR, False),
        (Role.VERIFIER, True),
        (Role.HELPDESK, True),
        (Role.PORTAL_ADMIN, True),
    ],
)
def test_staff_roles_must_have_a_second_factor(portal_a, role, required):
    user = make_user(portal_a, role=role, username=f"u-{role}")

    assert second_factor_required(user) is required


def test_platform_operators_must_have_a_second_factor(db):
    operator = make_user(None, role=Role.OPERATOR, username="op")

    assert second_factor_required(operator) is True


def test_a_portal_can_require_it_of_vendor_administrators(db):
    strict = make_portal("ketat", require_second_factor_for_vendor_admins=True)
    admin = make_user(strict, username="v")
    make_company_member(admin, role="admin")
    viewer = make_user(strict, username="w")
    make_company_member(viewer, role="viewer")

    assert second_factor_required(admin) is True
    assert second_factor_required(viewer) is False


def test_recovery_codes_alone_are_not_a_second_factor(vendor_a):
    recovery_codes_generate(user=vendor_a)
    assert has_second_factor(vendor_a) is False

    TOTPDevice.objects.create(user=vendor_a, name="authenticator", confirmed=False)
    assert has_second_factor(vendor_a) is False

    Passkey.objects.create(
        user=vendor_a, name="Key", credential_id=b"id", public_key=b"k", rp_id="testserver"
    )
    assert has_second_factor(vendor_a) is True


# --- The authenticator app: enrolment --------------------------------------------------


def test_enrolment_starts_an_unconfirmed_device_and_drops_earlier_ones(vendor_a):
    first = totp_enrolment_start(user=vendor_a)
    second = totp_enrolment_start(user=vendor_a)

    assert list(TOTPDevice.objects.filter(user=vendor_a)) == [second]
    assert (second.confirmed, second.tolerance, second.step, second.digits) == (False, 1, 30, 6)
    assert first.key != second.key
    assert totp_device(vendor_a) is None
    assert has_second_factor(vendor_a) is False


def test_a_wrong_code_leaves_the_device_unconfirmed(vendor_a):
    device = totp_enrolment_start(user=vendor_a)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    confirmed = totp_enrolment_confirm(user=vendor_a, device_id=device.pk, code=wrong)

    assert confirmed is False
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    assert factor_events() == []
    assert Email.objects.count() == 0


def test_the_right_code_confirms_the_device_audited_and_emailed(vendor_a):
    device = totp_enrolment_start(user=vendor_a)

    confirmed = totp_enrolment_confirm(user=vendor_a, device_id=device.pk, code=code_of(device))

    assert confirmed is True
    assert totp_device(vendor_a) == device
    assert has_second_factor(vendor_a) is True
    [event] = AuditEvent.objects.filter(verb__startswith="second_factor.")
    assert (event.verb, event.actor, event.payload) == (
        "second_factor.added",
        vendor_a,
        {"kind": FactorKind.TOTP},
    )
    [email] = Email.objects.all()
    assert email.subject == "A second factor was added to your account"
    assert "Second factor: authenticator app" in email.body
    assert "It was added to your account." in email.body


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_codes_one_step_away_are_accepted_and_two_steps_away_refused(vendor_a, steps, accepted):
    device = totp_enrolment_start(user=vendor_a)

    confirmed = totp_enrolment_confirm(
        user=vendor_a, device_id=device.pk, code=code_of(device, steps)
    )

    assert confirmed is accepted


def test_a_new_app_replaces_the_earlier_one(vendor_a):
    old = confirmed_device(vendor_a)
    device = totp_enrolment_start(user=vendor_a)

    totp_enrolment_confirm(user=vendor_a, device_id=device.pk, code=code_of(device))

    assert list(TOTPDevice.objects.filter(user=vendor_a)) == [device]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_the_device_of_another_user_cannot_be_confirmed(portal_a, vendor_a):
    other = make_user(portal_a, username="lain")
    device = totp_enrolment_start(user=other)

    confirmed = totp_enrolment_confirm(user=vendor_a, device_id=device.pk, code=code_of(device))

    assert confirmed is False
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    assert totp_device(vendor_a) is None


def test_removing_the_app_is_audited_and_emailed(vendor_a):
    confirmed_device(vendor_a)

    removed = totp_remove(user=vendor_a)
    again = totp_remove(user=vendor_a)

    assert (removed, again) == (True, False)
    assert TOTPDevice.objects.count() == 0
    assert factor_events() == ["second_factor.removed"]
    assert subjects(vendor_a) == ["A second factor was removed from your account"]


# --- The authenticator app: codes work once ----------------------------------------------


def test_a_code_is_accepted_once(vendor_a):
    device = confirmed_device(vendor_a)
    code = code_of(device)

    assert totp_code_valid(device, code) is True
    assert totp_code_valid(device, code) is False


def test_a_code_of_an_earlier_step_is_refused_once_a_later_one_was_used(vendor_a, frozen_clock):
    device = confirmed_device(vendor_a)
    earlier = code_of(device)
    frozen_clock.shift(timedelta(seconds=30))
    assert totp_code_valid(device, code_of(device)) is True

    assert totp_code_valid(device, earlier) is False


def test_the_next_steps_code_is_accepted_after_this_ones(vendor_a, frozen_clock):
    device = confirmed_device(vendor_a)
    assert totp_code_valid(device, code_of(device)) is True
    frozen_clock.shift(timedelta(seconds=30))

    assert totp_code_valid(device, code_of(device)) is True


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "", "١٢٣٤٥٦"])
def test_codes_of_the_wrong_shape_are_refused(vendor_a, typed):
    device = confirmed_device(vendor_a)

    assert totp_code_valid(device, typed) is False


def test_a_code_with_spaces_is_accepted(vendor_a):
    device = confirmed_device(vendor_a)
    code = code_of(device)

    assert totp_code_valid(device, f" {code[:3]} {code[3:]} ") is True


def test_wrong_codes_do_not_slow_the_device_down_the_lockout_counts_them(vendor_a):
    device = confirmed_device(vendor_a)
    for _ in range(5):
        totp_code_valid(device, "000000" if code_of(device) != "000000" else "111111")

    assert totp_code_valid(device, code_of(device)) is True


# --- Recovery codes -----------------------------------------------------------------------


def test_ten_recovery_codes_of_two_groups_of_five(vendor_a):
    codes = recovery_codes_generate(user=vendor_a)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}", code) for code in codes)
    assert recovery_codes_left(vendor_a) == 10


def test_only_a_keyed_hash_of_each_code_is_stored(vendor_a):
    codes = recovery_codes_generate(user=vendor_a)

    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert all(re.fullmatch(r"[0-9a-f]{40,64}", value) for value in stored)
    assert not any(code.replace("-", "") in value for code in codes for value in stored)


def test_a_recovery_code_works_once_and_warns_by_email_with_the_codes_left(vendor_a):
    codes = recovery_codes_generate(user=vendor_a)
    Email.objects.all().delete()

    first = recovery_code_use(user=vendor_a, code=codes[3])
    second = recovery_code_use(user=vendor_a, code=codes[3])

    assert (first, second) == (True, False)
    assert recovery_codes_left(vendor_a) == 9
    [email] = Email.objects.all()
    assert email.subject == "A recovery code of your account was used"
    assert "9 unused codes are left." in email.body
    event = AuditEvent.objects.get(verb="second_factor.recovery_code_used")
    assert event.payload == {"left": 9}


def test_a_recovery_code_may_be_typed_in_capitals_without_the_dash(vendor_a):
    codes = recovery_codes_generate(user=vendor_a)

    assert recovery_code_use(user=vendor_a, code=f" {codes[0].replace('-', '').upper()} ")


def test_the_last_code_says_none_is_left(vendor_a):
    codes = recovery_codes_generate(user=vendor_a)
    for code in codes[:-1]:
        recovery_code_use(user=vendor_a, code=code)
    Email.objects.all().delete()

    recovery_code_use(user=vendor_a, code=codes[-1])

    assert "0 unused codes are left." in Email.objects.get().body


def test_new_codes_make_the_old_ones_die(vendor_a):
    old = recovery_codes_generate(user=vendor_a)
    new = recovery_codes_generate(user=vendor_a)

    assert set(old).isdisjoint(new)
    assert recovery_code_use(user=vendor_a, code=old[0]) is False
    assert recovery_code_use(user=vendor_a, code=new[0]) is True
    assert RecoveryCode.objects.filter(user=vendor_a).count() == 10


def test_a_code_of_one_account_does_not_work_for_another(portal_a, vendor_a):
    other = make_user(portal_a, username="lain")
    codes = recovery_codes_generate(user=vendor_a)
    recovery_codes_generate(user=other)

    assert recovery_code_use(user=other, code=codes[0]) is False
    assert recovery_codes_left(vendor_a) == 10


@pytest.mark.parametrize("typed", ["", "abcde", "abcde-fghjk-mnpqr", "00000-00000"])
def test_odd_recovery_codes_are_refused(vendor_a, typed):
    recovery_codes_generate(user=vendor_a)

    assert recovery_code_use(user=vendor_a, code=typed) is False
    assert recovery_codes_left(vendor_a) == 10


# --- The code typed at sign-in or step-up ---------------------------------------------------


def test_the_sign_in_code_is_the_apps_or_a_recovery_code(vendor_a):
    device = confirmed_device(vendor_a)
    codes = recovery_codes_generate(user=vendor_a)

    assert second_factor_code_check(user=vendor_a, code=code_of(device)) == FactorKind.TOTP
    assert second_factor_code_check(user=vendor_a, code=codes[0]) == FactorKind.RECOVERY_CODES
    assert second_factor_code_check(user=vendor_a, code=codes[0]) is None
    assert second_factor_code_check(user=vendor_a, code=code_of(device)) is None


# --- Notifications -------------------------------------------------------------------------


def test_every_change_of_factors_is_emailed_to_the_account(portal_a, vendor_a):
    device = totp_enrolment_start(user=vendor_a)
    totp_enrolment_confirm(user=vendor_a, device_id=device.pk, code=code_of(device))
    codes = recovery_codes_generate(user=vendor_a)
    recovery_code_use(user=vendor_a, code=codes[0])
    totp_remove(user=vendor_a)
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    second_factors_reset(user=vendor_a, actor=helpdesk, reason="Phone lost; KTP checked")

    assert subjects(vendor_a) == [
        "A second factor was added to your account",
        "New recovery codes were made for your account",
        "A recovery code of your account was used",
        "A second factor was removed from your account",
        "The second factors of your account were reset",
    ]


def test_the_email_tells_where_the_change_came_from(rf, vendor_a):
    request = rf.post("/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    request.META["REMOTE_ADDR"] = "203.0.113.9"

    confirmed_device(vendor_a)
    totp_remove(user=vendor_a, context=audit_context(request))

    body = Email.objects.get().body
    assert "From: 203.0.113.9 (Firefox 128" in body
    assert "If this was not you, change your password at once" in body


# --- Remembered browsers -----------------------------------------------------------------


@pytest.fixture
def remembering_portal(db):
    portal = make_portal("ingat")
    portal.remember_browser_for_vendors = True
    portal.save()
    return portal


def test_nothing_is_remembered_unless_the_portal_allows_it_for_the_role(portal_a, vendor_a):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")

    assert remember_allowed(vendor_a) is False
    assert remember_allowed(helpdesk) is False
    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    vendor_a.refresh_from_db()
    helpdesk.refresh_from_db()
    assert remember_allowed(vendor_a) is True
    assert remember_allowed(helpdesk) is False
    portal_a.remember_browser_for_staff = True
    portal_a.save()
    helpdesk.refresh_from_db()
    assert remember_allowed(helpdesk) is True


def test_a_remembered_browser_is_valid_for_thirty_days(remembering_portal, frozen_clock):
    vendor = make_user(remembering_portal, username="v")
    cookie = remembered_browser_create(user=vendor, browser="Firefox 128")

    assert remembered_browser_valid(user=vendor, cookie=cookie) is True
    frozen_clock.shift(timedelta(days=29, hours=23))
    assert remembered_browser_valid(user=vendor, cookie=cookie) is True
    frozen_clock.shift(timedelta(hours=2))
    assert remembered_browser_valid(user=vendor, cookie=cookie) is False


def test_only_the_hash_of_the_browser_token_is_stored(remembering_portal):
    vendor = make_user(remembering_portal, username="v")
    cookie = remembered_browser_create(user=vendor, browser="Firefox 128")

    record_id, token = cookie.split(":")
    record = RememberedBrowser.objects.get()
    assert str(record.pk) == record_id
    assert token not in record.token_hash


@pytest.mark.parametrize(
    "forge",
    [
        lambda cookie: cookie[:-1] + ("A" if cookie[-1] != "A" else "B"),
        lambda cookie: f"{int(cookie.split(':')[0]) + 1}:{cookie.split(':')[1]}",
        lambda cookie: cookie.split(":")[1],
        lambda cookie: "",
        lambda cookie: "x:y",
        lambda cookie: None,
    ],
)
def test_a_forged_cookie_is_not_a_remembered_browser(remembering_portal, forge):
    vendor = make_user(remembering_portal, username="v")
    cookie = remembered_browser_create(user=vendor, browser="Firefox 128")

    assert remembered_browser_valid(user=vendor, cookie=forge(cookie)) is False


def test_the_cookie_of_one_account_does_not_serve_another(remembering_portal):
    vendor = make_user(remembering_portal, username="v")
    other = make_user(remembering_portal, username="w")
    cookie = remembered_browser_create(user=vendor, browser="Firefox 128")

    assert remembered_browser_valid(user=other, cookie=cookie) is False


def test_a_portal_that_stops_allowing_it_ignores_remembered_browsers(remembering_portal):
    vendor = make_user(remembering_portal, username="v")
    cookie = remembered_browser_create(user=vendor, browser="Firefox 128")
    remembering_portal.remember_browser_for_vendors = False
    remembering_portal.save()
    vendor.refresh_from_db()

    assert remembered_browser_valid(user=vendor, cookie=cookie) is False


def test_forgetting_the_browsers(remembering_portal):
    vendor = make_user(remembering_portal, username="v")
    cookie = remembered_browser_create(user=vendor, browser="Firefox 128")

    assert remembered_browsers_forget(user=vendor) == 1
    assert remembered_browser_valid(user=vendor, cookie=cookie) is False


# --- The check in a session (step-up) -------------------------------------------------------


def test_the_check_is_recent_for_ten_minutes(vendor_a, frozen_clock):
    user_session = session_open(user=vendor_a, session_key="k" * 32, client=CLIENT)
    assert second_factor_recent(user_session=user_session) is False

    second_factor_mark(user_session=user_session)
    stored = UserSession.objects.get(pk=user_session.pk)
    assert stored.second_factor_at == START
    frozen_clock.shift(timedelta(minutes=10))
    assert second_factor_recent(user_session=stored) is True
    frozen_clock.shift(timedelta(seconds=1))
    assert second_factor_recent(user_session=stored) is False
    assert second_factor_recent(user_session=None) is False


# --- The helpdesk's reset -----------------------------------------------------------------


def test_the_reset_removes_every_factor_ends_sessions_and_tells_user_and_admins(
    portal_a, vendor_a, admin_a, portal_b
):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    other_admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin2")
    admin_b = make_user(portal_b, role=Role.PORTAL_ADMIN, username="admin", email="b@beta.id")
    confirmed_device(vendor_a)
    TOTPDevice.objects.create(user=vendor_a, name="authenticator", confirmed=False)
    recovery_codes_generate(user=vendor_a)
    Passkey.objects.create(
        user=vendor_a, name="Key", credential_id=b"id", public_key=b"k", rp_id="testserver"
    )
    RememberedBrowser.objects.create(
        user=vendor_a, token_hash="x", expires_at=timezone.now() + timedelta(days=1)
    )
    sessions = [session_open(user=vendor_a, session_key=f"{n}" * 32, client=CLIENT) for n in (1, 2)]
    kept = session_open(user=helpdesk, session_key="h" * 32, client=CLIENT)
    Email.objects.all().delete()
    AuditEvent.objects.all().delete()

    second_factors_reset(user=vendor_a, actor=helpdesk, reason="  Phone lost; KTP checked ")

    assert TOTPDevice.objects.filter(user=vendor_a).count() == 0
    assert Passkey.objects.filter(user=vendor_a).count() == 0
    assert RecoveryCode.objects.filter(user=vendor_a).count() == 0
    assert RememberedBrowser.objects.filter(user=vendor_a).count() == 0
    for user_session in sessions:
        user_session.refresh_from_db()
        assert user_session.ended_at == START
        assert user_session.end_reason == SessionEndReason.FACTORS_RESET
    kept.refresh_from_db()
    assert kept.ended_at is None
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.reason, event.target_id) == (
        "second_factor.reset",
        helpdesk,
        "Phone lost; KTP checked",
        str(vendor_a.pk),
    )
    recipients = sorted(Email.objects.values_list("to", flat=True))
    assert recipients == sorted([vendor_a.email, admin_a.email, other_admin.email])
    assert admin_b.email not in recipients
    admin_email = Email.objects.get(to=admin_a.email)
    assert admin_email.subject == f"Second factors of {vendor_a.username} were reset"
    assert "Phone lost; KTP checked" in admin_email.body
    assert Email.objects.get(to=vendor_a.email).subject == (
        "The second factors of your account were reset"
    )


def test_a_reset_needs_a_reason(portal_a, vendor_a):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    device = confirmed_device(vendor_a)

    with pytest.raises(ValueError, match="reason"):
        second_factors_reset(user=vendor_a, actor=helpdesk, reason="   ")

    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert Email.objects.count() == 0
