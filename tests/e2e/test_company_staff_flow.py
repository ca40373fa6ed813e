"""Delegated staff accounts (issue 5, part 6), in a real browser: the company's
administrator invites a person as bid preparer → the invitee opens the emailed link and
chooses a username and password → logs in and sees the company read-only → the
administrator suspends them → their session ends and the login refuses them with the
ordinary message."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from inaproc.accounts.forms.login import ONE_MESSAGE
from inaproc.notifications.models import Email
from inaproc.vendors.models import CompanyMember
from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import violations
from tests.factories import make_portal
from tests.vendors.member_builders import approved_company

pytestmark = pytest.mark.e2e

INVITEE_EMAIL = "rina.pengadaan@example.id"
USERNAME = "rina.staf"
PASSWORD = "gunung-bromo-saat-subuh-24"


def test_invite_accept_work_read_only_and_get_suspended(
    live_server, page: Page, browser: Browser, settings, artifacts_dir
):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    portal = make_portal("lpse-a", name="LPSE Alpha")
    company, admin = approved_company(portal)
    base = live_server.url
    members_url = f"{base}/lpse-a/perusahaan/pengguna/"

    # The administrator invites a bid preparer.
    log_in(page, base, "lpse-a", admin.username)
    expect(page).to_have_url(f"{base}/lpse-a/dasbor/")
    page.goto(members_url)
    assert violations(page) == [], "users page"
    page.locator("main a[href$='/perusahaan/pengguna/undang/']").click()
    page.locator("#id_email").fill(INVITEE_EMAIL)
    page.locator("#id_full_name").fill("Rina Wulandari")
    page.locator("input[name=role][value=bid_preparer]").check()
    assert violations(page) == [], "invitation form"
    page.screenshot(path=artifacts_dir / "company-invite-form.png", full_page=True)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(members_url)
    expect(page.locator("#invitations")).to_contain_text(INVITEE_EMAIL)
    page.screenshot(path=artifacts_dir / "company-users.png", full_page=True)

    # The invitee, in their own browser, follows the emailed link.
    body = Email.objects.get(template="vendors/email/invitation", to=INVITEE_EMAIL).body
    link = re.search(r"http://\S+/perusahaan/undangan/\S+/", body).group(0)
    assert link.startswith(base)
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.goto(link)
    expect(staff).to_have_url(f"{base}/lpse-a/perusahaan/undangan/")
    expect(staff.locator("main")).to_contain_text(company.name)
    expect(staff.locator("#password-policy")).to_be_visible()
    assert violations(staff) == [], "invitation page"
    staff.screenshot(path=artifacts_dir / "company-invitation.png", full_page=True)
    staff.locator("#id_username").fill(USERNAME)
    staff.locator("#id_new_password1").fill(PASSWORD)
    staff.locator("#id_new_password2").fill(PASSWORD)
    staff.locator("main form button[type=submit]").click()
    expect(staff).to_have_url(f"{base}/lpse-a/masuk/")
    expect(staff.locator(".messages")).to_be_visible()

    # Logged in, the bid preparer sees the company but changes nothing.
    log_in(staff, base, "lpse-a", USERNAME, PASSWORD)
    expect(staff).to_have_url(f"{base}/lpse-a/dasbor/")
    staff.goto(f"{base}/lpse-a/perusahaan/")
    expect(staff.locator("h1")).to_have_text(company.name)
    expect(staff.locator("main form")).to_have_count(0)
    expect(staff.locator("main a[href*='/perusahaan/pengguna/']")).to_have_count(0)
    expect(staff.locator("main a[href*='ubah']")).to_have_count(0)
    response = staff.goto(members_url)
    assert response.status == 403

    # The administrator suspends them: the staff member's session ends at once.
    member = CompanyMember.objects.get(user__username=USERNAME)
    page.goto(members_url)
    expect(page.locator(f"#member-{member.pk}")).to_contain_text("Rina Wulandari")
    page.locator(f"#member-{member.pk} a[href$='/tangguhkan/']").click()
    page.wait_for_url("**/tangguhkan/")
    assert violations(page) == [], "suspend confirmation"
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(members_url)
    expect(page.locator(f"#member-{member.pk}")).to_contain_text(re.compile(r"\d{2}:\d{2} WIB"))

    staff.goto(f"{base}/lpse-a/perusahaan/")
    expect(staff).to_have_url(re.compile(r"/lpse-a/masuk/"))
    log_in(staff, base, "lpse-a", USERNAME, PASSWORD)
    expect(staff).to_have_url(f"{base}/lpse-a/masuk/")
    with translation.override("id"):
        ordinary = str(ONE_MESSAGE)
    expect(staff.get_by_role("alert")).to_contain_text(ordinary)
    assert page.console_errors == []
    staff_context.close()
