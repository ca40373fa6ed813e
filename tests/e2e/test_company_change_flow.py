"""The flow of issue 5 (company data), in a real browser: a vendor admin requests a change
of critical data (new company name, a new licence PDF with an end date, other KBLI
sectors) → sees "awaiting verification" with the approved data still in force → a
verifier finds it in the queue marked as a change, compares old and new side by side with
the new document previewed, and approves → the vendor is emailed and the company page
shows the new data.

Screenshots for docs/registration.md are written to test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from inaproc.accounts.models import Role
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.factories import make_portal, make_user
from tests.helpers import run_task_worker
from tests.vendors.builders import company_data, kbli_sample, pdf_bytes, register_approved

pytestmark = pytest.mark.e2e

OLD_NAME = "PT Sinar Lama Konstruksi"
NEW_NAME = "PT Sinar Baru Konstruksi"
EMAIL = "pengadaan@sinar.example.id"


def test_vendor_requests_a_change_and_a_verifier_approves_it(
    live_server, page: Page, browser: Browser, artifacts_dir, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    portal = make_portal("lpse-a", name="LPSE Alpha")
    kbli_sample()
    registration = register_approved(portal, company=company_data(name=OLD_NAME, email=EMAIL))
    verifier_user = make_user(
        portal, role=Role.VERIFIER, username="verifikator", full_name="Sari Verifikator"
    )
    mail.outbox.clear()
    base = live_server.url
    valid_until = timezone.localdate() + timedelta(days=365)

    # In English, the source language (the Indonesian catalogue is made afterwards).
    english = [{"name": "inaproc_language", "value": "en", "url": base}]
    page.context.add_cookies(english)

    # The vendor admin: dashboard → company page → the change request form.
    log_in(page, base, "lpse-a", registration.applicant.username)
    expect(page).to_have_url(f"{base}/lpse-a/dasbor/")
    page.goto(f"{base}/lpse-a/perusahaan/")
    page.locator("a[href='/lpse-a/perusahaan/perubahan/']").first.click()
    expect(page.locator("#id_name")).to_have_value(OLD_NAME)
    assert violations(page) == [], "change request form"
    page.locator("#id_name").fill(NEW_NAME)
    page.locator("#id_sectors").fill("43211")
    page.locator("#id_document_business_licence").set_input_files(
        [{"name": "izin-usaha-2027.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.locator("#id_licence_valid_until").fill(valid_until.isoformat())
    page.locator("#id_message").fill("Nama baru sesuai akta perubahan.")
    page.screenshot(path=artifacts_dir / "company-change-form.png", full_page=True)
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    # "Awaiting verification"; the company page still shows the approved data.
    expect(page).to_have_url(f"{base}/lpse-a/perusahaan/perubahan/")
    expect(page.locator("#change-status")).to_contain_text("Awaiting verification")
    expect(page.locator("main")).to_contain_text(NEW_NAME)
    page.screenshot(path=artifacts_dir / "company-change-pending.png", full_page=True)
    assert violations(page) == [], "pending change"
    page.goto(f"{base}/lpse-a/perusahaan/")
    expect(page.locator("h1")).to_have_text(OLD_NAME)
    expect(page.locator("#pending-change")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(NEW_NAME)
    expect(page.locator("main")).not_to_contain_text("izin-usaha-2027.pdf")

    # The verifier: queue → the row marked as a data change → review side by side.
    office = browser.new_context(viewport={"width": 1400, "height": 1000})
    office.add_cookies(english)
    verifier = office.new_page()
    verifier_errors: list[str] = []
    verifier.on("console", lambda m: verifier_errors.append(m.text) if m.type == "error" else None)
    staff_log_in(verifier, base, verifier_user)
    verifier.goto(f"{base}/lpse-a/staf/verifikasi/")
    row = verifier.locator("tr.change-row")
    expect(row).to_contain_text(OLD_NAME)
    expect(row.locator(".status-change")).to_be_visible()
    assert violations(verifier) == [], "queue with a change"
    row.get_by_role("link", name=OLD_NAME).click()
    expect(verifier).to_have_url(re.compile(r"/lpse-a/staf/verifikasi/perubahan/\d+/$"))
    changed = verifier.locator("tr.changed-row")
    expect(changed.first).to_contain_text(OLD_NAME)
    expect(changed.first).to_contain_text(NEW_NAME)
    expect(changed).to_have_count(2)  # the name and the sectors
    expect(verifier.locator(".changed-group iframe.document-preview")).to_have_count(1)
    verifier.wait_for_timeout(500)
    verifier.screenshot(path=artifacts_dir / "company-change-review.png", full_page=True)
    assert violations(verifier) == [], "change review"
    approve_form = verifier.locator("form:has(input[value=approve])")
    approve_form.locator("input[type=checkbox]").check()
    approve_form.locator("button[type=submit]").click()
    expect(verifier).to_have_url(re.compile(r"/lpse-a/staf/verifikasi/(#.*)?$"))
    expect(verifier.locator(".messages")).to_contain_text(OLD_NAME)
    assert verifier_errors == []
    office.close()

    # The vendor is emailed; the company page shows the new data and the licence.
    run_task_worker()
    [approval] = [m for m in mail.outbox if m.to == [EMAIL] and "approved" in m.subject]
    assert f"{base}/lpse-a/perusahaan/" in approval.body
    page.goto(f"{base}/lpse-a/perusahaan/")
    expect(page.locator("h1")).to_have_text(NEW_NAME)
    expect(page.locator("#pending-change")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("izin-usaha-2027.pdf")
    expect(page.locator("main")).to_contain_text("43211")
    page.screenshot(path=artifacts_dir / "company-change-approved.png", full_page=True)
    assert violations(page) == [], "company page after approval"
    assert page.console_errors == []
