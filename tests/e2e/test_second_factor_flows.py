"""Second factors in a real browser (issue 6): a staff member's first sign-in walks them
through setting up an authenticator app; later sign-ins ask for its code, and a code
is accepted once; a sensitive action asks for the factor again after ten minutes; the
helpdesk resets the factors of someone who lost them, which ends their sessions.

Pages are asked for in English (the language cookie), so that the texts checked here do
not depend on the translation. Screenshots for the docs go to test-artifacts/."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from inaproc.accounts.models import (
    LoginAttempt,
    LoginMethod,
    LoginOutcome,
    Role,
    SessionEndReason,
    UserSession,
)
from inaproc.accounts.services.factors import totp_device
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from tests.e2e.helpers import english, log_in, second_step, staff_log_in, type_factor_code
from tests.e2e.test_accessibility import violations
from tests.factories import DEFAULT_PASSWORD, make_portal, make_totp_device, make_user
from tests.helpers import totp_code

pytestmark = pytest.mark.e2e

FACTORS = "/lpse-a/akun/faktor-kedua/"
SECOND_STEP = "/lpse-a/masuk/faktor-kedua/"
DASHBOARD = "/lpse-a/dasbor/"
QUEUE = "/lpse-a/staf/verifikasi/"
PASSWORD_CHANGE = "/lpse-a/akun/kata-sandi/"
REASON = "Phone lost; identity checked by calling the office back"


def log_out(page: Page, base: str) -> None:
    page.locator("header form[action$='/keluar/'] button").click()
    expect(page).to_have_url(f"{base}/lpse-a/sudah-keluar/")


def test_a_verifier_enrols_at_first_login_then_signs_in_with_the_app(
    live_server, page: Page, artifacts_dir
):
    portal = make_portal("lpse-a", name="LPSE Alpha")
    verifier = make_user(portal, role=Role.VERIFIER, username="verifikator", full_name="Sari")
    base = live_server.url
    english(page.context, base)
    h1 = page.locator("h1")

    # The first sign-in: password and CAPTCHA lead to the second-factor page, and no
    # staff page opens until a factor is set up.
    log_in(page, base, "lpse-a", "verifikator")
    expect(page).to_have_url(base + FACTORS)
    expect(page.locator("#factor-required")).to_contain_text("Your role needs a second factor")
    page.screenshot(path=artifacts_dir / "second-factor-required.png", full_page=True)
    for path in (DASHBOARD, QUEUE, PASSWORD_CHANGE):
        page.goto(base + path)
        expect(page).to_have_url(base + FACTORS)

    # The authenticator app: a QR code drawn by the server, and the same key as text.
    page.locator(f"#factor-totp a[href='{FACTORS}aplikasi/']").click()
    expect(page).to_have_url(f"{base}{FACTORS}aplikasi/")
    expect(page.locator("#totp-qr")).to_be_visible()
    assert page.locator("#totp-qr").get_attribute("src").startswith("data:image/svg+xml")
    page.screenshot(path=artifacts_dir / "second-factor-app-setup.png", full_page=True)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    code = f"{totp(b32decode(secret), step=30, t0=0, digits=6):06d}"
    assert not TOTPDevice.objects.filter(user=verifier, confirmed=True).exists()
    type_factor_code(page, code)

    # Confirmed: the ten recovery codes, shown this once.
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    texts = codes.all_inner_texts()
    assert all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", text.strip()) for text in texts)
    assert TOTPDevice.objects.filter(user=verifier, confirmed=True).count() == 1
    page.screenshot(path=artifacts_dir / "second-factor-recovery-codes.png", full_page=True)
    page.goto(f"{base}{FACTORS}kode-pemulihan/")
    expect(page.locator("main")).to_contain_text("10 unused codes are left.")
    expect(page.locator("main")).not_to_contain_text(texts[0].strip())

    # The staff pages open now.
    page.goto(base + QUEUE)
    expect(page).to_have_url(base + QUEUE)
    page.goto(base + DASHBOARD)
    expect(page).to_have_url(base + DASHBOARD)
    log_out(page, base)

    # Signing in again: the password is no longer enough.
    log_in(page, base, "lpse-a", "verifikator")
    expect(page).to_have_url(base + SECOND_STEP)
    expect(h1).to_have_text("Confirm it is you")
    assert violations(page) == [], "second step"
    page.screenshot(path=artifacts_dir / "second-factor-sign-in.png", full_page=True)
    page.goto(base + DASHBOARD)
    expect(page).to_have_url(re.compile(re.escape(base + "/lpse-a/masuk/?next=")))
    page.goto(base + SECOND_STEP)
    used = second_step(page, verifier)
    expect(page).to_have_url(base + DASHBOARD)
    log_out(page, base)

    # The same code again, in a new sign-in: refused, and counted as a failed attempt.
    log_in(page, base, "lpse-a", "verifikator")
    expect(page).to_have_url(base + SECOND_STEP)
    type_factor_code(page, used)
    expect(page).to_have_url(base + SECOND_STEP)
    expect(page.locator("#id_code_errors")).to_contain_text("already used")
    failed = LoginAttempt.objects.filter(
        username_key="verifikator",
        method=LoginMethod.SECOND_FACTOR,
        outcome=LoginOutcome.WRONG_CREDENTIALS,
    )
    assert failed.count() == 1
    second_step(page, verifier)
    expect(page).to_have_url(base + DASHBOARD)
    assert page.console_errors == []


def test_changing_the_password_asks_for_the_factor_again_after_ten_minutes(
    live_server, page: Page, artifacts_dir
):
    portal = make_portal("lpse-a", name="LPSE Alpha")
    vendor = make_user(portal, username="0012345674101000", full_name="PT Alpha Jaya")
    make_totp_device(vendor)  # a vendor who chose to add an authenticator app
    base = live_server.url
    english(page.context, base)
    log_in(page, base, "lpse-a", vendor.username)
    second_step(page, vendor)
    expect(page).to_have_url(base + DASHBOARD)

    # Just signed in with the factor: the password form opens straight away.
    page.locator(f"main a[href='{PASSWORD_CHANGE}']").click()
    expect(page).to_have_url(base + PASSWORD_CHANGE)
    expect(page.locator("#id_current_password")).to_be_visible()

    # Eleven minutes later (the server's record of the last check is moved back).
    UserSession.objects.filter(user=vendor, ended_at__isnull=True).update(
        second_factor_at=timezone.now() - timedelta(minutes=11)
    )
    page.goto(base + DASHBOARD)
    page.locator(f"main a[href='{PASSWORD_CHANGE}']").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/lpse-a/akun/konfirmasi-faktor/?next=")))
    expect(page.locator("h1")).to_have_text("Confirm your second factor")
    expect(page.locator("#id_current_password")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "second-factor-step-up.png", full_page=True)

    type_factor_code(page, totp_code(totp_device(vendor)))
    expect(page).to_have_url(base + PASSWORD_CHANGE)
    new_password = "padi-menguning-di-sawah-luas-21"
    page.locator("#id_current_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_new_password1").fill(new_password)
    page.locator("#id_new_password2").fill(new_password)
    page.locator("form:has(#id_new_password1) button[type=submit]").click()
    expect(page).not_to_have_url(base + PASSWORD_CHANGE)
    vendor.refresh_from_db()
    assert vendor.check_password(new_password)
    assert page.console_errors == []


def test_a_helpdesk_officer_resets_a_vendors_factors_and_their_session_ends(
    live_server, page: Page, browser: Browser, artifacts_dir
):
    portal = make_portal("lpse-a", name="LPSE Alpha")
    officer = make_user(portal, role=Role.HELPDESK, username="helpdesk", full_name="Budi")
    admin = make_user(portal, role=Role.PORTAL_ADMIN, username="admin")
    vendor = make_user(portal, username="0012345674101000", full_name="PT Alpha Jaya")
    make_totp_device(vendor)
    base = live_server.url

    # The vendor is signed in in their own browser.
    vendor_context = browser.new_context(locale="en-US")
    vendor_page = vendor_context.new_page()
    english(vendor_page.context, base)
    log_in(vendor_page, base, "lpse-a", vendor.username)
    second_step(vendor_page, vendor)
    expect(vendor_page).to_have_url(base + DASHBOARD)

    # The officer finds the vendor, sees their factors, and resets them with a reason.
    english(page.context, base)
    staff_log_in(page, base, officer)
    page.goto(base + "/lpse-a/staf/helpdesk/pengguna/")
    page.locator("#id_q").fill("Alpha Jaya")
    page.locator("#id_q").press("Enter")
    page.get_by_role("link", name=vendor.username, exact=True).click()
    factors = page.locator("section[aria-labelledby=factors-heading]")
    expect(factors).to_contain_text("Authenticator app")
    expect(factors.locator("dd").first).to_have_text("Active")
    factors.locator("a[href$='/faktor/reset/']").click()
    expect(page).to_have_url(f"{base}/lpse-a/staf/helpdesk/pengguna/{vendor.pk}/faktor/reset/")
    page.locator("#id_identity_checked").check()
    page.locator("#id_reason").fill(REASON)
    page.screenshot(path=artifacts_dir / "second-factor-helpdesk-reset.png", full_page=True)
    page.locator("form:has(#id_reason) button[type=submit]").click()

    expect(page).to_have_url(f"{base}/lpse-a/staf/helpdesk/pengguna/{vendor.pk}/aktivitas/")
    expect(page.locator(".messages")).to_contain_text("are removed and their sessions ended")
    expect(factors.locator("dd").first).to_have_text("None yet")
    event = AuditEvent.objects.get(verb="second_factor.reset")
    assert (event.actor, event.reason) == (officer, REASON)
    assert Email.objects.filter(to=vendor.email, template__contains="second_factor").exists()
    assert Email.objects.filter(to=admin.email, template__contains="reset_admin").exists()

    # The vendor's open session has ended; the password alone signs them in again.
    assert UserSession.objects.get(user=vendor).end_reason == SessionEndReason.FACTORS_RESET
    vendor_page.goto(base + DASHBOARD)
    expect(vendor_page).to_have_url(re.compile(re.escape(base + "/lpse-a/masuk/")))
    log_in(vendor_page, base, "lpse-a", vendor.username)
    expect(vendor_page).to_have_url(base + DASHBOARD)
    vendor_context.close()
    assert page.console_errors == []
