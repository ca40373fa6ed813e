"""The award end to end in Chromium (issue 13, item 5): from a winner announced and Masa
Sanggah over (built with the real services, as the evaluation and objection browser tests
do), the PPK issues the award letter (SPPBJ) and records the contract; the winning
company sees both and downloads the letter; the public "pemenangberkontrak" page shows
the contract without login. axe (WCAG 2.2 AA) on each new page, also on phones."""

from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from inaproc.award.models import AwardLetter, Contract
from tests.award.factories import announced_tender
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.lifecycle import fill_contract
from tests.e2e.test_accessibility import violations
from tests.e2e.test_objection_flow import on_phones
from tests.factories import make_portal

pytestmark = pytest.mark.e2e


def test_the_ppk_awards_and_records_the_contract_and_the_public_reads_it(
    live_server, page: Page, browser: Browser, artifacts_dir
):
    """Screenshots for docs/tenders.md land in test-artifacts/tenders/ (award-*.png)."""
    shots = artifacts_dir / "tenders"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    portal = make_portal("lpse-sppbj", name="LPSE SPPBJ")
    package, _members, (winner, _participation), _loser = announced_tender(portal)
    problems: list[str] = []

    # The PPK issues the award letter.
    staff_log_in(page, base, package.ppk)
    page.goto(f"{base}/{portal.slug}/staf/paket/{package.pk}/sppbj/")
    problems += [f"award page: {v}" for v in violations(page)]
    problems += on_phones(page, "award page")
    page.locator("#id_number").fill("027/SPPBJ/DPU/XII/2026")
    page.locator("#id_letter_date").fill("2026-12-07")
    page.locator("form[action$='/sppbj/terbitkan/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("027/SPPBJ/DPU/XII/2026")
    assert AwardLetter.objects.filter(package=package).exists()

    # Then the contract, its value typed with thousand dots.
    fill_contract(page, "KTR-01/DPU/2026", "870.000.000", date(2026, 12, 10))
    page.screenshot(path=shots / "award-ppk.png", full_page=True)
    page.locator("form[action$='/kontrak/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("KTR-01/DPU/2026")
    expect(page.locator("main")).to_contain_text("Rp 870.000.000,00")
    assert Contract.objects.filter(package=package).exists()
    problems += [f"award page with contract: {v}" for v in violations(page)]

    # The public page, without login.
    anonymous = browser.new_context(locale="id-ID")
    anonymous.set_default_timeout(TIMEOUT_MS)
    reader = anonymous.new_page()
    reader.goto(f"{base}/{portal.slug}/evaluasi/{package.code}/pemenangberkontrak")
    main = reader.locator("main")
    expect(main).to_contain_text(winner.company.name)
    expect(main).to_contain_text("KTR-01/DPU/2026")
    expect(main).to_contain_text("Rp 870.000.000,00")
    expect(main).to_contain_text("90 hari kalender")
    expect(main).not_to_contain_text("SPPBJ")
    reader.screenshot(path=shots / "award-public.png", full_page=True)
    problems += [f"public contract page: {v}" for v in violations(reader)]
    problems += on_phones(reader, "public contract page")
    anonymous.close()

    # The winning company sees both from "My tenders" and downloads the letter.
    vendor_context = browser.new_context(locale="id-ID")
    vendor_context.set_default_timeout(TIMEOUT_MS)
    vendor = vendor_context.new_page()
    log_in(vendor, base, portal.slug, winner.user.username)
    vendor.wait_for_url(lambda url: "/masuk/" not in url)
    vendor.goto(f"{base}/{portal.slug}/perusahaan/tender/")
    vendor.get_by_role("link", name="SPPBJ 027/SPPBJ/DPU/XII/2026 dan kontrak").click()
    expect(vendor.locator("main")).to_contain_text("KTR-01/DPU/2026")
    problems += [f"vendor award page: {v}" for v in violations(vendor)]
    problems += on_phones(vendor, "vendor award page")
    vendor.screenshot(path=shots / "award-vendor.png", full_page=True)
    with vendor.expect_download() as download:
        vendor.get_by_role("link", name="Unduh surat penunjukan (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    vendor_context.close()
    assert not problems, "\n".join(problems)
