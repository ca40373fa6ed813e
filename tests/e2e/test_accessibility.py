"""axe-core (WCAG 2.2 A and AA rules) finds no violation on the key pages, in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error, Page

from inaproc.accounts.models import Role
from inaproc.audit.services import audit_record
from tests.e2e.helpers import LOGIN_BUTTON, log_in, second_step, solve_captcha
from tests.factories import make_portal, make_totp_device, make_user

pytestmark = pytest.mark.e2e

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def violations(page: Page) -> list[str]:
    # A click returns before the page it leads to has loaded: axe run on the old document
    # while the new one commits fails ("reading 'documentElement'"). Run it on a loaded
    # document, again if a navigation replaced the document under it.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = Axe().run(page, options=WCAG_AA)
            break
        except Error:
            if attempt == 2:
                raise
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_public_pages_have_no_accessibility_violations(live_server, page: Page, language):
    make_portal(
        "lpse-a",
        helpdesk_phone="(021) 123",
        helpdesk_email="lpse@example.id",
        helpdesk_hours="24/7",
    )
    base = live_server.url
    page.context.add_cookies([{"name": "inaproc_language", "value": language, "url": base}])

    public_paths = [
        "/",
        "/lpse-a/",
        "/lpse-a/masuk/",
        "/lpse-a/masuk/kode/",
        "/lpse-a/masuk/kode/verifikasi/",
        "/lpse-a/lupa-kata-sandi/",
        "/lpse-a/lupa-kata-sandi/terkirim/",
        "/lpse-a/lupa-nama-pengguna/",
        "/lpse-a/atur-ulang-kata-sandi/MQ/tautan-yang-rusak/",
        "/lpse-a/sudah-keluar/",
        "/tidak-ada/",
    ]
    for path in public_paths:
        page.goto(base + path)
        assert violations(page) == [], path

    # The login form showing its error.
    page.goto(base + "/lpse-a/masuk/")
    page.locator("#id_username").fill("tidak-ada")
    page.locator("#id_password").fill("salah-sandi-yang-panjang")
    solve_captcha(page)
    page.locator(LOGIN_BUTTON).click()
    page.wait_for_selector("[role=alert]")
    assert violations(page) == [], "login with error"


def test_private_pages_have_no_accessibility_violations(live_server, page: Page):
    portal = make_portal("lpse-a")
    admin = make_user(portal, role=Role.PORTAL_ADMIN, username="admin")
    vendor = make_user(portal, username="penyedia")
    make_totp_device(admin)
    make_totp_device(vendor)
    audit_record(actor=admin, verb="account.created", target=admin, portal=portal, reason="uji")
    base = live_server.url

    log_in(page, base, "lpse-a", "admin")
    page.wait_for_url(f"{base}/lpse-a/masuk/faktor-kedua/")
    assert violations(page) == [], "second step of signing in"
    second_step(page, admin)
    page.wait_for_url(f"{base}/lpse-a/dasbor/")
    assert violations(page) == [], "dashboard"
    for path in [
        "/lpse-a/staf/audit/",
        "/lpse-a/akun/sesi/",
        "/lpse-a/akun/aktivitas-masuk/",
        "/lpse-a/akun/kata-sandi/",
        "/lpse-a/akun/faktor-kedua/",
        "/lpse-a/akun/faktor-kedua/aplikasi/",
        "/lpse-a/akun/faktor-kedua/kode-pemulihan/",
        "/lpse-a/akun/konfirmasi-faktor/",
        "/lpse-a/staf/helpdesk/kunci/",
        "/lpse-a/staf/helpdesk/pengguna/?q=admin",
        f"/lpse-a/staf/helpdesk/pengguna/{admin.pk}/aktivitas/",
        f"/lpse-a/staf/helpdesk/pengguna/{vendor.pk}/faktor/reset/",
    ]:
        page.goto(base + path)
        assert violations(page) == [], path

    # The reset form showing its errors.
    page.locator("form:has(#id_reason) button[type=submit]").click()
    page.wait_for_selector("[role=alert]")
    assert violations(page) == [], "factor reset with errors"


def test_the_first_login_of_staff_without_a_factor_has_no_accessibility_violations(
    live_server, page: Page
):
    portal = make_portal("lpse-a")
    make_user(portal, role=Role.VERIFIER, username="verifikator")
    base = live_server.url

    log_in(page, base, "lpse-a", "verifikator")
    page.wait_for_url(f"{base}/lpse-a/akun/faktor-kedua/")

    assert violations(page) == [], "enrolment required"


def test_the_checker_reports_violations_when_there_are_some(page: Page):
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")

    found = " ".join(violations(page))

    assert "image-alt" in found
    assert "label" in found


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_the_email_correction_and_the_account_email_pages_have_no_violations(
    live_server, page: Page, size
):
    """Issue 14, items 4 and 10: the status page's address correction (empty, with an
    error, done), "check your email", the administrator's account email page, the contact
    page and the requester's tickets with one linked by a proven address."""
    from inaproc.helpdesk.services.tickets import ticket_create
    from tests.helpdesk.ticket_builders import ticket_data
    from tests.vendors.builders import company_data, register, register_approved

    portal = make_portal("lpse-a")
    base = live_server.url
    page.set_viewport_size(size)
    applicant = register(portal, company=company_data(email="budi@exampel.id")).applicant
    company = register_approved(portal, company=company_data(email="kantor@maju.example.id"))
    admin = company.applicant
    admin.refresh_from_db()
    ticket_create(portal=portal, data=ticket_data(email=admin.email), requester=None, uploads=[])
    company.company.email = "pengadaan@maju.example.id"  # as after the 48 h link
    company.company.save(update_fields=["email"])

    log_in(page, base, "lpse-a", applicant.username)
    page.wait_for_url(f"{base}/lpse-a/pendaftaran/status/")
    assert violations(page) == [], "status with the correction form"
    page.locator("#id_email").fill("budi@")
    page.locator("form:has(#id_email) button[type=submit]").click()
    page.wait_for_selector("#email-correct-errors")
    assert violations(page) == [], "correction with an error"
    page.locator("#id_email").fill("budi@example.id")
    page.locator("form:has(#id_email) button[type=submit]").click()
    page.wait_for_selector(".message-success")
    assert violations(page) == [], "corrected"
    page.goto(f"{base}/lpse-a/pendaftaran/terkirim/")
    assert violations(page) == [], "check your email"

    page.context.clear_cookies()
    make_totp_device(admin)
    log_in(page, base, "lpse-a", admin.username)
    second_step(page, admin)
    page.wait_for_url(lambda url: "faktor-kedua" not in url)
    for path in [
        "/lpse-a/perusahaan/kontak/",
        "/lpse-a/perusahaan/kontak/email/",
        "/lpse-a/perusahaan/kontak/email-akun/",
        "/lpse-a/bantuan/tiket/",
    ]:
        page.goto(base + path)
        assert page.url == base + path
        assert violations(page) == [], path
    assert page.locator("main table").count() == 1  # the ticket opened without an account
