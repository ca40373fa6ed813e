"""The public "Verifikasi Tanda Terima" page in Chromium: a genuine receipt passes all
three checks (Web Crypto Ed25519, the log's tree head and inclusion proof); the same
receipt with one changed byte fails, and the page says which check failed."""

import json

import pytest
from playwright.sync_api import Page, expect

from inaproc.translog.services import append_entry, signed_entry_document
from tests.e2e.test_accessibility import violations
from tests.factories import make_portal

pytestmark = pytest.mark.e2e


def make_receipt() -> dict:
    portal = make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")
    append_entry(portal=portal, kind="tender.published", body={"tender": "12345000"})
    entry = append_entry(
        portal=portal,
        kind="bid.received",
        body={
            "tender": "12345000",
            "company_npwp": "0012345674101000",
            "company_name": "PT Alpha Jaya",
            "bid_version": 1,
            "files": [{"slot": "penawaran", "size": 1234, "sha256": "ab" * 32}],
            "received_at": "2026-05-01T03:00:00.000Z",
        },
    )
    return signed_entry_document(entry)


def check(page: Page, name: str):
    return page.locator(f"[data-receipt-checks] li[data-check='{name}']")


def test_a_genuine_receipt_passes_and_a_changed_byte_fails(live_server, page: Page):
    """All three checks pass for the receipt as issued (and the page with its results
    has no accessibility violations); one changed byte fails the signature check and
    the later checks are not run."""
    receipt = make_receipt()
    page.goto(live_server.url + "/lpse-a/tanda-terima/verifikasi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi Tanda Terima")

    page.get_by_label("Atau tempel tanda terima").fill(json.dumps(receipt))
    page.get_by_role("button", name="Verifikasi", exact=True).click()

    for name in ("signature", "head", "inclusion"):
        expect(check(page, name)).to_have_attribute("data-result", "ok")
    expect(page.get_by_role("status")).to_contain_text("Semua pemeriksaan lulus")
    assert violations(page) == []

    changed = {**receipt, "body": receipt["body"].replace('"size":1234', '"size":1235')}
    page.get_by_label("Atau tempel tanda terima").fill(json.dumps(changed))
    page.get_by_role("button", name="Verifikasi", exact=True).click()

    expect(check(page, "signature")).to_have_attribute("data-result", "failed")
    expect(check(page, "signature")).to_contain_text("Tanda tangan tanda terima")
    expect(check(page, "inclusion")).to_have_attribute("data-result", "skipped")
    expect(page.get_by_role("status")).to_contain_text("TIDAK")


def test_the_receipt_file_can_be_picked(live_server, page: Page, tmp_path):
    """A downloaded receipt file is read from the file input and verifies."""
    receipt = make_receipt()
    path = tmp_path / "tanda-terima.json"
    path.write_text(json.dumps(receipt))
    page.goto(live_server.url + "/lpse-a/tanda-terima/verifikasi/")

    page.get_by_label("Berkas tanda terima (JSON)").set_input_files(str(path))
    page.get_by_role("button", name="Verifikasi", exact=True).click()

    expect(check(page, "inclusion")).to_have_attribute("data-result", "ok")
