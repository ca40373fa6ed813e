"""Passkeys in a real Chromium with its virtual authenticator (CDP WebAuthn domain): a
vendor adds one and then signs in with it alone; the same passkey is refused by another
portal on the same server; a staff member enrols one when forced to, and passes the
second step of signing in with it.

Pages are asked for in English (the language cookie), the source language of these
texts, so the test does not wait for their translation. The live server answers on
http://localhost:<port>: WebAuthn needs a domain (not an IP address) in a secure
context, and localhost is one."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from inaproc.accounts.models import LoginAttempt, LoginMethod, LoginOutcome, Passkey, Role
from tests.e2e.helpers import solve_captcha
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user

pytestmark = pytest.mark.e2e

NPWP = "0012345674101000"
NOT_ACCEPTED = "This passkey was not accepted."
WITHOUT_JSON_HELPERS = """
delete PublicKeyCredential.parseCreationOptionsFromJSON;
delete PublicKeyCredential.parseRequestOptionsFromJSON;
delete PublicKeyCredential.prototype.toJSON;
"""


def virtual_authenticator(page: Page) -> None:
    """A platform authenticator that holds discoverable credentials and verifies the
    user (as a fingerprint would) without asking anything."""
    client = page.context.new_cdp_session(page)
    client.send("WebAuthn.enable")
    client.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def password_login(page: Page, base: str, slug: str, username: str) -> None:
    page.goto(f"{base}/{slug}/masuk/")
    page.get_by_label("Username or NPWP", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    if page.locator("input[name=captcha_1]").count():
        solve_captcha(page)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page: Page, base: str, slug: str, username: str) -> None:
    page.get_by_role("banner").get_by_role("button", name=f"Log out ({username})").click()
    expect(page).to_have_url(f"{base}/{slug}/sudah-keluar/")


def add_passkey(page: Page, name: str) -> None:
    section = page.locator("#factor-passkeys")
    expect(section.get_by_role("button", name="Add a passkey")).to_be_visible()
    section.get_by_label("Name of the new passkey").fill(name)
    section.get_by_role("button", name="Add a passkey").click()


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA findings on the page as it is now (passkey controls shown)."""
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [v["id"] for v in results.response["violations"]]


def csp_errors(page: Page) -> list[str]:
    # A refused passkey is a 400 answer, which Chromium also logs as a console error.
    return [e for e in page.console_errors if "Content Security Policy" in e]


def test_vendor_adds_a_passkey_and_signs_in_with_it_alone(
    live_server, page: Page, english, settings, artifacts_dir
):
    settings.SITE_URL = live_server.url
    portal = make_portal("lpse-a", name="LPSE Alpha")
    make_portal("lpse-b", name="LPSE Beta")
    vendor = make_user(portal, username=NPWP, full_name="PT Alpha Jaya")
    base = live_server.url
    virtual_authenticator(page)

    # Signed in with the password (and CAPTCHA), the vendor adds a passkey.
    password_login(page, base, "lpse-a", NPWP)
    expect(page).to_have_url(f"{base}/lpse-a/dasbor/")
    page.goto(f"{base}/lpse-a/akun/faktor-kedua/")
    expect(page.locator("#factor-passkeys")).to_contain_text("You have not added a passkey yet.")
    add_passkey(page, "Virtual key")
    # Their first factor: on to the recovery codes.
    expect(page).to_have_url(f"{base}/lpse-a/akun/faktor-kedua/kode-pemulihan/")
    expect(page.get_by_role("status").first).to_contain_text("Virtual key")
    passkey = Passkey.objects.get(user=vendor)
    assert (passkey.name, passkey.rp_id) == ("Virtual key", "localhost")
    page.goto(f"{base}/lpse-a/akun/faktor-kedua/")
    expect(
        page.locator("#factor-passkeys").get_by_role("cell", name="Virtual key", exact=True)
    ).to_be_visible()
    assert axe_violations(page) == [], "factors page with a passkey"
    page.screenshot(path=artifacts_dir / "passkeys-section.png", full_page=True)
    log_out(page, base, "lpse-a", NPWP)

    # The passkey alone: no username, no password, no CAPTCHA.
    page.goto(f"{base}/lpse-a/masuk/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    assert axe_violations(page) == [], "login page with the passkey button"
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(f"{base}/lpse-a/dasbor/")
    expect(page.get_by_role("main")).to_contain_text("PT Alpha Jaya")
    attempt = LoginAttempt.objects.filter(user=vendor).latest("created_at")
    assert (attempt.outcome, attempt.method) == (LoginOutcome.SUCCESS, LoginMethod.PASSKEY)
    log_out(page, base, "lpse-a", NPWP)

    # On another portal of the same server the browser offers the passkey (same host),
    # and the portal refuses it, saying so.
    page.goto(f"{base}/lpse-b/masuk/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator("[data-passkey-message]")).to_contain_text(NOT_ACCEPTED)
    expect(page).to_have_url(f"{base}/lpse-b/masuk/")
    page.goto(f"{base}/lpse-b/dasbor/")
    expect(page).to_have_url(f"{base}/lpse-b/masuk/?next=%2Flpse-b%2Fdasbor%2F")
    assert csp_errors(page) == []


def test_staff_member_enrols_a_passkey_and_passes_the_second_step_with_it(
    live_server, page: Page, english, settings
):
    settings.SITE_URL = live_server.url
    portal = make_portal("lpse-a", name="LPSE Alpha")
    make_user(portal, role=Role.VERIFIER, username="verifier", full_name="Vera Verifier")
    base = live_server.url
    virtual_authenticator(page)
    # This browser lacks the WebAuthn JSON helpers: passkeys.js converts by hand.
    page.add_init_script(WITHOUT_JSON_HELPERS)

    # First sign-in: walked to the second-factor page before anything else.
    password_login(page, base, "lpse-a", "verifier")
    expect(page).to_have_url(f"{base}/lpse-a/akun/faktor-kedua/")
    helpers = (
        "[typeof PublicKeyCredential.parseCreationOptionsFromJSON,"
        " typeof PublicKeyCredential.prototype.toJSON]"
    )
    assert page.evaluate(helpers) == ["undefined", "undefined"]
    page.goto(f"{base}/lpse-a/dasbor/")
    expect(page).to_have_url(f"{base}/lpse-a/akun/faktor-kedua/")
    add_passkey(page, "Office laptop")
    expect(page).to_have_url(f"{base}/lpse-a/akun/faktor-kedua/kode-pemulihan/")
    log_out(page, base, "lpse-a", "verifier")

    # Next time the password is not enough: the passkey is the second step.
    password_login(page, base, "lpse-a", "verifier")
    expect(page).to_have_url(f"{base}/lpse-a/masuk/faktor-kedua/")
    expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
    assert axe_violations(page) == [], "second step with the passkey button"
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(f"{base}/lpse-a/dasbor/")
    expect(page.get_by_role("main")).to_contain_text("Vera Verifier")
    assert csp_errors(page) == []
