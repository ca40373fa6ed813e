"""An objection end to end in Chromium (issue 13, item 4): a vendor whose company bid
files an objection with a PDF during Masa Sanggah; a Pokja member rejects it with
reasons; the public objections page shows neither during the period and both after it
(the schedule is moved in the test data). axe (WCAG 2.2 AA) on each page met."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from inaproc.objections.models import Objection
from inaproc.objections.services.objections import objection_answer, objection_file
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.e2e.test_no_sideways_scroll import PANS, PHONES, WIDEST
from tests.factories import make_portal
from tests.objections.factories import make_bidder, objection_tender, objection_window, runners
from tests.vendors.builders import pdf_bytes

pytestmark = pytest.mark.e2e


def on_phones(page: Page, label: str) -> list[str]:
    """axe and sideways panning at 320 and 390 px; the page's size is put back."""
    problems = []
    size = page.viewport_size
    for phone in PHONES:
        page.set_viewport_size(phone)
        if (pans := page.evaluate(PANS)) > 0:
            widest = ", ".join(page.evaluate(WIDEST))
            problems.append(f"{label} at {phone['width']} px: pans {pans} px ({widest})")
        problems += [f"{label} at {phone['width']} px: {v}" for v in violations(page)]
    if size:
        page.set_viewport_size(size)
    return problems


def test_a_vendor_objects_the_pokja_rejects_and_the_public_reads_both_after_the_period(
    live_server, page: Page, browser: Browser, artifacts_dir
):
    """Screenshots for docs/tenders.md land in test-artifacts/tenders/ (objection-*.png)."""
    shots = artifacts_dir / "tenders"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    portal = make_portal("lpse-sanggah", name="LPSE Sanggah")
    package = objection_tender(portal)
    member, _participation = make_bidder(package)
    problems: list[str] = []

    # The vendor files its objection during Masa Sanggah.
    log_in(page, base, portal.slug, member.user.username)
    page.wait_for_url(lambda url: "/masuk/" not in url)
    page.goto(f"{base}/{portal.slug}/perusahaan/tender/")
    with page.expect_navigation():
        page.get_by_role("link", name="Sanggah dapat diajukan sampai", exact=False).click()
    problems += [f"vendor objection page: {v}" for v in violations(page)]
    problems += on_phones(page, "vendor objection page")
    page.locator("#id_reasons").fill("Harga terkoreksi pemenang dihitung keliru.")
    page.locator("#id_attachments").set_input_files(
        [{"name": "bukti-sanggah.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.locator("form[action$='/sanggah/kirim/'] button[type=submit]").click()
    expect(page.locator("#objection")).to_contain_text("Harga terkoreksi pemenang dihitung keliru.")
    expect(page.locator("#objection")).to_contain_text("bukti-sanggah.pdf")
    page.screenshot(path=shots / "objection-vendor.png", full_page=True)
    objection = Objection.objects.get()

    # The public sees nothing yet.
    public = f"{base}/{portal.slug}/tender/{package.code}/sanggah/"
    anonymous = browser.new_context(locale="id-ID")
    anonymous.set_default_timeout(TIMEOUT_MS)
    reader = anonymous.new_page()
    reader.goto(public)
    expect(reader.locator("main")).not_to_contain_text(member.company.name)

    # A Pokja member rejects it with reasons.
    staff = browser.new_context(locale="id-ID")
    staff.set_default_timeout(TIMEOUT_MS)
    pokja = staff.new_page()
    staff_log_in(pokja, base, runners(package)[0])
    pokja.goto(f"{base}/{portal.slug}/staf/paket/{package.pk}/sanggah/")
    problems += [f"staff objections page: {v}" for v in violations(pokja)]
    problems += on_phones(pokja, "staff objections page")
    answer = pokja.locator(f"#objection-{objection.pk}")
    answer.locator("input[name=decision][value=rejected]").check()
    answer.locator("textarea[name=reasons]").fill("Koreksi aritmatik sudah sesuai dokumen.")
    pokja.screenshot(path=shots / "objection-answer.png", full_page=True)
    answer.locator("button[type=submit]").click()
    expect(pokja.locator(f"#objection-{objection.pk}")).to_contain_text("Ditolak")

    # The vendor reads the answer on its page.
    page.reload()
    expect(page.locator("#objection")).to_contain_text("Koreksi aritmatik sudah sesuai dokumen.")

    # After Masa Sanggah the public page shows the objector, the objection and the answer.
    now = timezone.now()
    objection_window(package, starts=now - timedelta(days=3), ends=now - timedelta(minutes=1))
    reader.goto(public)
    main = reader.locator("main")
    expect(main).to_contain_text(member.company.name)
    expect(main).to_contain_text("Harga terkoreksi pemenang dihitung keliru.")
    expect(main).to_contain_text("Koreksi aritmatik sudah sesuai dokumen.")
    expect(main).to_contain_text("Ditolak")
    reader.screenshot(path=shots / "objection-public.png", full_page=True)
    problems += [f"public objections page: {v}" for v in violations(reader)]
    problems += on_phones(reader, "public objections page")
    anonymous.close()
    staff.close()
    assert not problems, "\n".join(problems)


def test_an_appeal_upheld_for_the_budget_holder_fails_the_tender_and_the_ppk_repeats_it(
    live_server, page: Page, browser: Browser
):
    """Construction: the objection is rejected; the vendor appeals in the browser; the PPK
    records the budget holder's decision to fail the tender; the public page shows Tender
    Gagal; the PPK repeats it as a new draft. axe on the appeal, decision and failure pages."""
    base = live_server.url
    portal = make_portal("lpse-banding", name="LPSE Banding")
    package = objection_tender(portal)
    member, participation = make_bidder(package)
    objection = objection_file(
        participation=participation, member=member, reasons="Keberatan.", uploads=[]
    )
    objection_answer(
        objection=objection, user=runners(package)[0], decision="rejected", answer="Ditolak."
    )
    problems: list[str] = []

    log_in(page, base, portal.slug, member.user.username)
    page.wait_for_url(lambda url: "/masuk/" not in url)
    page.goto(f"{base}/{portal.slug}/perusahaan/tender/{package.code}/sanggah/")
    problems += [f"vendor appeal form: {v}" for v in violations(page)]
    page.locator("#id_reasons").fill("Jawaban Pokja tidak menanggapi alasan kami.")
    page.locator("form[action$='/sanggah/banding/'] button[type=submit]").click()
    expect(page.locator("#objection")).to_contain_text("Jawaban Pokja tidak menanggapi")

    office = browser.new_context(locale="id-ID")
    office.set_default_timeout(TIMEOUT_MS)
    ppk = office.new_page()
    staff_log_in(ppk, base, package.ppk)
    ppk.goto(f"{base}/{portal.slug}/staf/paket/{package.pk}/")
    with ppk.expect_navigation():
        ppk.get_by_role("link", name="Sanggah banding", exact=False).click()
    problems += [f"appeals page: {v}" for v in violations(ppk)]
    problems += on_phones(ppk, "appeals page")
    decision = ppk.locator("article.panel").first
    decision.locator("input[name=decision][value=accepted]").check()
    decision.locator("input[name=outcome][value=fail]").check()
    decision.locator("textarea[name=reasons]").fill("PA menerima sanggah banding.")
    decision.locator("button[type=submit]").click()
    expect(ppk.locator("main")).to_contain_text("PA menerima sanggah banding.")

    reader = office.new_page()
    reader.goto(f"{base}/{portal.slug}/tender/{package.code}/")
    expect(reader.locator(".tender-failed")).to_contain_text("Sanggah dinyatakan benar")

    ppk.goto(f"{base}/{portal.slug}/staf/paket/{package.pk}/")
    problems += [f"failed package page: {v}" for v in violations(ppk)]
    ppk.get_by_role("button", name="Ulang tender").click()
    expect(ppk.locator("main")).to_contain_text("Tender ulang")
    office.close()
    assert not problems, "\n".join(problems)


def test_two_pokja_members_declare_a_tender_failed(live_server, browser: Browser):
    """The first proposes the reason, the second confirms; axe on the failure page."""
    base = live_server.url
    portal = make_portal("lpse-gagal", name="LPSE Gagal")
    package = objection_tender(portal, procurement_type="barang")
    first, second = runners(package)[:2]
    problems: list[str] = []
    for user in (first, second):
        context = browser.new_context(locale="id-ID")
        context.set_default_timeout(TIMEOUT_MS)
        pokja = context.new_page()
        staff_log_in(pokja, base, user)
        pokja.goto(f"{base}/{portal.slug}/staf/paket/{package.pk}/")
        with pokja.expect_navigation():
            pokja.get_by_role("link", name="Nyatakan tender gagal", exact=False).click()
        problems += [f"failure page: {v}" for v in violations(pokja)]
        problems += on_phones(pokja, "failure page")
        if user == first:
            pokja.locator("#id_reason").select_option("few_bids")
            pokja.locator("#id_note").fill("Hanya satu penawaran masuk.")
        pokja.locator("main form button[type=submit]").click()
        pokja.wait_for_load_state()
        context.close()
    package.refresh_from_db()
    assert package.state == "failed"
    assert package.failure_note == "Hanya satu penawaran masuk."
    assert not problems, "\n".join(problems)
