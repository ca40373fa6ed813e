"""Steps of a tender's life after the bids, as the officials and vendors take them in the
browser: opening with a key file, evaluation entries, the proposal, the qualification
proof and the announcement, the negotiation, an objection and its answer, the award
letter and the contract. Shared by the flow tests and the demo walk."""

from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import ARTIFACTS_DIR, TIMEOUT_MS
from tests.vendors.builders import pdf_bytes

STEPS = ("administrasi", "teknis", "harga", "kualifikasi")
PASSING = dict.fromkeys(STEPS, "pass")


def new_page(browser: Browser) -> Page:
    """A page in a fresh browser context (a person of their own), in Indonesian."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def shot(page: Page, name: str) -> None:
    """A screenshot for docs/tenders.md (copy it to docs/images/tenders/)."""
    ARTIFACTS_DIR.joinpath("tenders").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS_DIR / "tenders" / f"{name}.png", full_page=True)


def send_key_share(page: Page, opening_url: str, key_file: Path, passphrase: str) -> None:
    """On the opening page: load the official's key file, type its passphrase, send."""
    page.goto(opening_url)
    form = page.locator("form[data-share-form]")
    form.locator("[data-keyfile]").set_input_files(str(key_file))
    form.locator("[data-passphrase]").fill(passphrase)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def evaluate(page: Page, url: str, results: dict[str, str], **fields: str) -> None:
    """One participant's entry: each step's result, then the other fields by id
    (`administrasi_reason`, `corrected_price`, …); back on the board."""
    page.goto(url)
    for step, result in results.items():
        page.select_option(f"#id_{step}_result", result)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.locator("form.registration-form").first.locator("button[type=submit]").click()
    page.wait_for_url(lambda current: current.rstrip("/").endswith("evaluasi"))


def propose(page: Page, board: str) -> None:
    """Propose the result the ranking prefilled."""
    page.locator("form[action$='usulan/'] button").click()
    page.wait_for_url(board)


def approve_proposal(page: Page, board: str) -> None:
    page.goto(board)
    page.locator("form[action$='setujui/'] button").click()
    page.wait_for_url(board)


def invite_to_proof(page: Page, board: str, participation_pk: int, place: str) -> None:
    """Invite the proposed winner to the qualification proof, two days from now."""
    page.goto(board)
    when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.select_option("#id_participation", str(participation_pk))
    page.fill("#id_meeting_at", when)
    page.fill("#id_place", place)
    page.locator("form[action$='pembuktian/undang/'] button").click()
    page.wait_for_url(board)


def record_proof(page: Page, board: str, participation_pk: int) -> None:
    proof = page.locator("form[action$='pembuktian/hasil/']")
    proof.locator("select[name=participation]").select_option(str(participation_pk))
    proof.locator("select[name=outcome]").select_option("pass")
    proof.locator("button").click()
    page.wait_for_url(board)


def announce(page: Page, board: str) -> None:
    page.locator("form[action$='umumkan/'] button").click()
    page.wait_for_url(board)


def negotiate(page: Page, entry: str, price: str, note: str) -> None:
    """The negotiated price on the participant's entry page (non-tender packages)."""
    page.goto(entry)
    page.fill("#id_negotiation-negotiated_price", price)
    page.fill("#id_negotiation-note", note)
    page.locator("form[action$='negosiasi/'] button").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("evaluasi"))


def file_objection(page: Page, my_tenders: str, reasons: str) -> None:
    """From "My tenders", the objection form during Masa Sanggah, with a PDF."""
    page.goto(my_tenders)
    page.get_by_role("link", name="Sanggah dapat diajukan sampai", exact=False).click()
    page.locator("#id_reasons").fill(reasons)
    page.locator("#id_attachments").set_input_files(
        [{"name": "bukti-sanggah.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.locator("form[action$='/sanggah/kirim/'] button[type=submit]").click()
    page.locator("#objection").get_by_text(reasons).wait_for()


def reject_objection(page: Page, objections_url: str, objection_pk: int, reasons: str) -> None:
    page.goto(objections_url)
    answer = page.locator(f"#objection-{objection_pk}")
    answer.locator("input[name=decision][value=rejected]").check()
    answer.locator("textarea[name=reasons]").fill(reasons)
    answer.locator("button[type=submit]").click()
    page.locator(f"#objection-{objection_pk}").get_by_text("Ditolak").first.wait_for()


def issue_award_letter(page: Page, award_url: str, number: str, on: date) -> None:
    """The PPK's award letter (SPPBJ): its number and date."""
    page.goto(award_url)
    page.locator("#id_number").fill(number)
    page.locator("#id_letter_date").fill(on.isoformat())
    page.locator("form[action$='/sppbj/terbitkan/'] button[type=submit]").click()
    page.locator("main").get_by_text(number).first.wait_for()


def fill_contract(page: Page, number: str, value: str, signed_on: date) -> None:
    """The contract form on the award page, filled (not sent): 90 days from the day
    after signing."""
    form = page.locator("form[action$='/kontrak/']")
    form.locator("#id_number").fill(number)
    form.locator("#id_signed_on").fill(signed_on.isoformat())
    form.locator("#id_value").fill(value)
    form.locator("#id_ppk_position").fill("Kepala Bidang Bina Marga")
    form.locator("#id_ppk_name").fill("Budi Santoso")
    form.locator("#id_vendor_signatory_name").fill("Siti Rahma")
    form.locator("#id_vendor_signatory_position").fill("Direktur Utama")
    form.locator("#id_starts_on").fill((signed_on + timedelta(days=1)).isoformat())
    form.locator("#id_duration_days").fill("90")


def send_contract(page: Page, number: str) -> None:
    page.locator("form[action$='/kontrak/'] button[type=submit]").click()
    page.locator("main").get_by_text(number).first.wait_for()
