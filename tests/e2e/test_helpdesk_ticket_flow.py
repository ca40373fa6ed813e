"""The helpdesk flow of issue 5, in a real browser: a visitor without an account opens a
ticket from the contact page (with the CAPTCHA and a screenshot) → follows it through the
private link of the confirmation email → a helpdesk officer answers from the queue → the
requester sees the answer and replies, which puts the ticket back in the queue.

Screenshots for docs/helpdesk.md are written to test-artifacts/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from inaproc.accounts.models import Role
from inaproc.helpdesk.models import Ticket, TicketStatus
from tests.e2e.helpers import solve_captcha, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.factories import make_portal, make_user
from tests.helpers import run_task_worker
from tests.vendors.builders import png_bytes

pytestmark = pytest.mark.e2e

EMAIL = "rina@cv-maju.example.id"


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"


def test_open_a_ticket_without_an_account_and_follow_it(
    live_server, page: Page, browser: Browser, artifacts_dir, settings
):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    portal = make_portal(
        "lpse-a",
        name="LPSE Alpha",
        helpdesk_phone="(021) 555 0100",
        helpdesk_email="bantuan@lpse-a.example.id",
        helpdesk_hours="Senin–Jumat 08.00–16.00 WIB",
    )
    officer = make_user(portal, role=Role.HELPDESK, username="helpdesk", full_name="Hana Help")
    base = live_server.url
    page.context.add_cookies([{"name": "inaproc_language", "value": "en", "url": base}])

    # The login page leads to the contact page, and that to the form.
    page.goto(f"{base}/lpse-a/masuk/")
    page.locator("a[href='/lpse-a/bantuan/']").first.click()
    expect(page.locator("h1")).to_have_text("Helpdesk of LPSE Alpha")
    assert violations(page) == [], "contact page"
    page.screenshot(path=artifacts_dir / "helpdesk-contact.png", full_page=True)
    page.locator("main a[href='/lpse-a/bantuan/tiket/baru/']").first.click()
    page.wait_for_url("**/lpse-a/bantuan/tiket/baru/")
    assert violations(page) == [], "ticket form"

    # A wrong CAPTCHA first: the typed text stays, the message sits by the field.
    page.locator("#id_category").select_option("login")
    page.locator("#id_name").fill("Rina Wati")
    page.locator("#id_npwp").fill("01.234.567.4-101.000")
    page.locator("#id_email").fill(EMAIL)
    expect(page.locator("#id_occurred_at")).not_to_have_value("")
    page.locator("#id_description").fill("The login page says my account is locked.")
    page.locator("#id_captcha_1").fill("salah")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_captcha_errors")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value(
        "The login page says my account is locked."
    )
    assert violations(page) == [], "ticket form with errors"

    page.locator("#id_attachments").set_input_files(
        [{"name": "layar.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    solve_captcha(page)
    page.screenshot(path=artifacts_dir / "helpdesk-ticket-form.png", full_page=True)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/lpse-a/bantuan/tiket/terkirim/")
    expect(page.locator("main")).to_contain_text("HD-000001")
    expect(page.locator("main")).to_contain_text("ri***@cv-maju.example.id")
    assert violations(page) == [], "ticket sent"

    # The private link from the confirmation email.
    run_task_worker()
    [confirmation] = [m for m in mail.outbox if m.to == [EMAIL]]
    link = re.search(r"http://\S+/bantuan/tiket/\S+/", confirmation.body).group(0)
    assert link.startswith(base)
    page.goto(link)
    expect(page).to_have_url(f"{base}/lpse-a/bantuan/tiket/lihat/")
    expect(page.locator("main")).to_contain_text("The login page says my account is locked.")
    expect(page.get_by_role("link", name="layar.png (opens in a new tab)")).to_be_visible()
    assert violations(page) == [], "ticket by link"

    # The officer: dashboard-free path to the queue, the ticket, the answer.
    office = browser.new_context(viewport={"width": 1400, "height": 1000})
    office.add_cookies([{"name": "inaproc_language", "value": "en", "url": base}])
    desk = office.new_page()
    staff_log_in(desk, base, officer)
    desk.goto(f"{base}/lpse-a/staf/helpdesk/tiket/")
    expect(desk.locator("table")).to_contain_text(EMAIL)
    assert violations(desk) == [], "queue"
    desk.get_by_role("link", name="HD-000001").click()
    expect(desk).to_have_url(f"{base}/lpse-a/staf/helpdesk/tiket/1/")
    assert violations(desk) == [], "staff ticket page"
    desk.locator("#reply-body").fill("We unlocked it. Please sign in again and tell us.")
    desk.locator("#reply-status").select_option("waiting_for_user")
    desk.locator("form[action$='/balas/'] button[type=submit]").click()
    expect(desk.locator(".messages")).to_contain_text("HD-000001")
    desk.screenshot(path=artifacts_dir / "helpdesk-ticket-staff.png", full_page=True)
    office.close()

    # The answer is emailed; the requester sees it and answers.
    run_task_worker()
    reply_email = [m for m in mail.outbox if m.to == [EMAIL]][-1]
    assert "We unlocked it." in reply_email.body
    page.reload()
    expect(page.locator("main")).to_contain_text("We unlocked it. Please sign in again")
    expect(page.locator("main")).to_contain_text("The helpdesk is waiting for your answer.")
    page.screenshot(path=artifacts_dir / "helpdesk-ticket-requester.png", full_page=True)
    page.locator("#id_body").fill("It works now, thank you.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("HD-000001")
    expect(page.locator("main")).to_contain_text("It works now, thank you.")
    assert violations(page) == [], "ticket after the answer"
    assert Ticket.objects.get().status == TicketStatus.OPEN
    assert page.console_errors == []
