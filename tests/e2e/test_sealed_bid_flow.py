"""Sealed bids end to end in Chromium (issue 16, "Done when"): three Pokja members make
their opening keys in the browser; a member's browser makes the tender key (k = 2) and
the tender is published; two vendors seal and upload in the browser (one replaces its
bid; the server restarts in the middle of the other's upload, which resumes); a third
uploads a file sealed with the offline tool; each receipt verifies in the browser and with
the offline command, and a receipt with one changed byte does not; after the deadline two
members open the tender with their key files; every bid opens; the opening record and the
private key are public, and every sealed file re-opens with the published key to what the
Pokja got."""

import io
import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine as time_machine_module
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from inaproc.bids.models import BidOpening, BidVersion, OpenedFile, OpeningStatus, TenderKey
from inaproc.files.storage import document_open
from inaproc.seal.encoding import b64u_decode, private_from_scalar
from inaproc.seal.sealed_file import open_stream
from inaproc.tenders.models import Participation
from inaproc.tenders.services.publication import publication_approve
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, staff_log_in
from tests.factories import make_portal
from tests.tenders.participation_factories import make_package, make_pokja, make_vendor

pytestmark = pytest.mark.e2e

PASSPHRASES = ["kunci-pokja-satu-2026", "kunci-pokja-dua-2026", "kunci-pokja-tiga-2026"]
ROOT = Path(__file__).resolve().parents[2]


def _page(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context(locale="id-ID", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    contexts.append(context)
    return context.new_page()


def _make_opening_key(page: Page, base: str, slug: str, passphrase: str, folder: Path) -> Path:
    page.goto(f"{base}/{slug}/staf/kunci-pembukaan/")
    page.locator("#passphrase").fill(passphrase)
    page.locator("#passphrase2").fill(passphrase)
    page.locator("[data-make-button]").click()
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    page.locator("#saved").check()
    page.locator("form[data-register] button[type=submit]").click()
    page.wait_for_url(f"{base}/{slug}/staf/kunci-pembukaan/")
    expect(page.locator("main dl.details code")).to_be_visible()
    return path


def _seal_in_browser(page: Page, slot: str, files: list[dict]) -> None:
    box = page.locator(f"#slot-{slot} [data-slot]")
    box.locator("input[type=file]").set_input_files(files)
    with page.expect_navigation(timeout=60_000):
        box.locator("[data-seal]").click()


def _letter_in_browser(page: Page, price: str) -> None:
    box = page.locator("[data-letter]")
    box.locator("input[name=offer_price]").fill(price)
    with page.expect_navigation(timeout=60_000):
        box.locator("[data-letter-seal]").click()


def _submit(page: Page) -> str:
    page.locator("form[action$='/penawaran/kirim/'] button[type=submit]").click()
    page.wait_for_url("**/tanda-terima/*/")
    return page.url


class _RestartedServerThread(LiveServerThread):
    """A test server that may bind the port its stopped predecessor used (Django's own
    refuses address reuse, to notice port clashes)."""

    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )


def _restart(live_server) -> None:
    """Stop the test server and start a new one on the same port: what the upload had
    committed lives in the database and on disk, so the browser resumes from there."""
    old = live_server.thread
    live_server.stop()
    # The stopped server's last connections may hold the port for a moment.
    for attempt in range(50):
        live_server.thread = _RestartedServerThread(
            old.host, static_handler=StaticFilesHandler, connections_override={}, port=old.port
        )
        live_server.thread.daemon = True
        try:
            live_server.start()
            return
        except OSError:
            if attempt == 49:
                raise
            time.sleep(0.1)


@pytest.fixture
def restartable_live_server(live_server):
    """The worker's test server, started anew before the test (so that every socket on its
    port allows the rebind) and again after it if the test left it stopped: the browser
    tests that follow on this worker use it too."""
    _restart(live_server)
    yield live_server
    if not live_server.thread.is_alive():
        _restart(live_server)


def _pdf(name: str, filler: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + filler}


def _offline(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [sys.executable, "-m", "inaproc.seal", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_sealed_bids_from_opening_keys_to_a_public_opening(
    browser: Browser, restartable_live_server, tmp_path, time_machine, settings, artifacts_dir
):
    live_server = restartable_live_server  # restarted in the middle of an upload (below)
    settings.SITE_URL = live_server.url
    settings.BID_UPLOAD_CHUNK_MB = 2  # vendor B's 6 MB bid in pieces, to cut in between
    shots = artifacts_dir / "sealed-bids"
    shots.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=shots / f"{name}.png", full_page=True)

    base = live_server.url
    portal = make_portal("lpse-segel")
    slug = portal.slug
    pokja, members = make_pokja(portal)
    now = timezone.now()
    deadline = now + timedelta(hours=3)
    package = make_package(
        portal,
        pokja=pokja,
        tender_keys=False,
        start=now - timedelta(hours=2),
        clarification=(now - timedelta(hours=2), now - timedelta(hours=1)),
        bid_deadline=deadline,
    )
    contexts: list[BrowserContext] = []
    try:
        # --- Three members make their opening keys in the browser. ---
        key_files, officials = [], []
        for member, passphrase in zip(members, PASSPHRASES, strict=True):
            page = _page(browser, contexts)
            staff_log_in(page, base, member)
            key_files.append(_make_opening_key(page, base, slug, passphrase, tmp_path))
            officials.append(page)
        shot(officials[0], "opening-key")
        assert all(
            json.loads(path.read_text())["format"] == "inaproc-opening-key-1" for path in key_files
        )

        # --- The first member's browser makes the tender key; two approve: published. ---
        chair = officials[0]
        chair.goto(f"{base}/{slug}/staf/paket/{package.pk}/kunci-tender/")
        shot(chair, "tender-keys")
        chair.locator("form[data-ceremony-form] button[type=submit]").click()
        chair.wait_for_url(f"**/staf/paket/{package.pk}/publikasi/")
        key = TenderKey.objects.get(package=package)
        assert key.threshold == 2 and key.shares.count() == 3
        # The approvals came an hour and a half ago, while the announcement had just begun
        # (publication refuses a schedule with an ended stage).
        with time_machine_module.travel(now - timedelta(minutes=90)):
            publication_approve(package=package, user=members[0])
            assert publication_approve(package=package, user=members[1])
        announcement = _page(browser, contexts)
        announcement.goto(f"{base}/{slug}/tender/{package.code}/")
        expect(announcement.locator("main")).to_contain_text(key.fingerprint[:4])

        vendors = [make_vendor(portal) for _ in range(3)]
        for vendor in vendors:
            Participation.objects.create(
                package=package,
                company=vendor.company,
                joined_by=vendor.user,
                integrity_pact_agreed_at=timezone.now(),
            )
        bid_url = f"{base}/{slug}/perusahaan/tender/{package.code}/penawaran/"

        # --- Vendor A seals in the browser, submits, then replaces its bid. ---
        first = _page(browser, contexts)
        log_in(first, base, slug, vendors[0].user.username)
        first.goto(bid_url)
        _seal_in_browser(first, "penawaran", [_pdf("penawaran-a.pdf", b"A" * 3_000_000)])
        _seal_in_browser(first, "kualifikasi", [_pdf("kualifikasi-a.pdf", b"Q" * 1000)])
        _letter_in_browser(first, "1.250.000.000")
        expect(first.locator("#slot-penawaran")).to_contain_text("penawaran-a.pdf")
        shot(first, "bid-page")
        _submit(first)
        shot(first, "receipt")
        first.goto(bid_url)
        first.locator("#slot-penawaran form button[type=submit]").first.click()
        _seal_in_browser(first, "penawaran", [_pdf("penawaran-a2.pdf", b"B" * 2000)])
        _letter_in_browser(first, "1.190.000.000")
        receipt_a = _submit(first)

        # --- Vendor B: the server restarts in the middle of its upload; it resumes. ---
        second = _page(browser, contexts)
        log_in(second, base, slug, vendors[1].user.username)
        pieces = {"seen": 0, "restarted": False}

        def restart_on_second_piece(route: Route) -> None:
            if route.request.method == "PATCH":
                pieces["seen"] += 1
                if pieces["seen"] == 2 and not pieces["restarted"]:
                    pieces["restarted"] = True
                    _restart(live_server)
                    route.abort("connectionreset")
                    return
            route.continue_()

        second.route("**/penawaran/unggah/**", restart_on_second_piece)
        second.goto(bid_url)
        _seal_in_browser(second, "penawaran", [_pdf("penawaran-b.pdf", b"C" * 6_000_000)])
        assert pieces["restarted"] and pieces["seen"] >= 3
        second.unroute("**/penawaran/unggah/**")
        _seal_in_browser(second, "kualifikasi", [_pdf("kualifikasi-b.pdf", b"K")])
        _letter_in_browser(second, "1.175.500.000")
        receipt_b = _submit(second)

        # --- Vendor C seals offline with the published tender key, uploads without JS. ---
        tender_key = tmp_path / "tender.pem"
        tender_key.write_bytes(
            announcement.request.get(f"{base}/{slug}/tender/{package.code}/kunci/1.pem").body()
        )
        plain = tmp_path / "penawaran-c.pdf"
        plain.write_bytes(b"%PDF-1.4\n" + b"D" * 4000)
        (tmp_path / "kualifikasi-c.pdf").write_bytes(b"%PDF-1.4\nkualifikasi")
        sealed = {}
        for slot, source in (("penawaran", plain), ("kualifikasi", tmp_path / "kualifikasi-c.pdf")):
            out = tmp_path / f"{slot}-c.inpseal"
            done = _offline(
                ["--tender-key", str(tender_key), "--slot", slot, str(source), "-o", str(out)]
            )
            assert done.returncode == 0, done.stderr
            sealed[slot] = out
        letter = tmp_path / "surat-c.inpseal"
        done = _offline(
            [
                "letter",
                "--tender-key",
                str(tender_key),
                "--offer-price",
                "1300000000",
                "--validity-days",
                "60",
                "-o",
                str(letter),
            ]
        )
        assert done.returncode == 0, done.stderr
        sealed["surat_penawaran"] = letter
        third = _page(browser, contexts)
        log_in(third, base, slug, vendors[2].user.username)
        for slot, path in sealed.items():
            third.goto(bid_url)
            section = third.locator(f"#slot-{slot}")
            section.locator("details summary").click()
            section.locator("input[name=file]").set_input_files(str(path))
            section.locator("details form button[type=submit]").click()
            expect(section.locator("table")).to_be_visible()
        receipt_c = _submit(third)

        versions = BidVersion.objects.filter(participation__package=package)
        assert versions.count() == 4 and versions.filter(state="submitted").count() == 3

        # --- Each receipt verifies offline and in the browser; a changed byte does not. ---
        for page, receipt_url in ((first, receipt_a), (second, receipt_b), (third, receipt_c)):
            document = page.request.get(receipt_url.rstrip("/") + ".json").body()
            path = tmp_path / "receipt.json"
            path.write_bytes(document)
            checked = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "inaproc.seal.verify",
                    str(path),
                    "--portal-url",
                    f"{base}/{slug}/",
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            assert checked.returncode == 0, checked.stdout + checked.stderr
        verifier = _page(browser, contexts)
        verifier.goto(f"{base}/{slug}/tanda-terima/verifikasi/")
        good = json.loads(document)
        verifier.locator("#receipt-text").fill(json.dumps(good))
        verifier.locator("form[data-receipt-verify] button[type=submit]").click()
        form = verifier.locator("form[data-receipt-verify]")
        summary = verifier.locator("[data-receipt-summary]")
        expect(summary).to_have_text(form.get_attribute("data-msg-all-ok"))
        shot(verifier, "receipt-verified")
        changed = dict(good, body=good["body"].replace('"bid_version":1', '"bid_version":7'))
        verifier.locator("#receipt-text").fill(json.dumps(changed))
        verifier.locator("form[data-receipt-verify] button[type=submit]").click()
        expect(summary).to_have_text(form.get_attribute("data-msg-some-failed"))

        # --- After the deadline two members open the tender with their key files. ---
        time_machine.move_to(deadline + timedelta(minutes=1))
        for member, path, passphrase in zip(members[:2], key_files, PASSPHRASES, strict=False):
            page = _page(browser, contexts)
            staff_log_in(page, base, member)
            officials.append(page)
            page.goto(f"{base}/{slug}/staf/paket/{package.pk}/pembukaan/")
            form = page.locator("form[data-share-form]")
            form.locator("[data-keyfile]").set_input_files(str(path))
            form.locator("[data-passphrase]").fill(passphrase)
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
        key.refresh_from_db()
        assert key.opened_at is not None
        assert BidOpening.objects.filter(status=OpeningStatus.OPENED).count() == 3
        prices = sorted(int(o.offer_price) for o in BidOpening.objects.all())
        assert prices == [1_175_500_000, 1_190_000_000, 1_300_000_000]
        expect(officials[-1].locator("main")).to_contain_text("penawaran-b.pdf")
        shot(officials[-1], "opening")

        # --- The public sees the opening record, the prices and the private key. ---
        announcement.goto(f"{base}/{slug}/tender/{package.code}/pembukaan/")
        expect(announcement.locator("main")).to_contain_text("BEGIN PRIVATE KEY")
        shot(announcement, "public-opening")
        announcement.goto(f"{base}/{slug}/tender/{package.code}/peserta/")
        expect(announcement.locator("main")).to_contain_text("1.175.500.000")

        # --- Anyone re-opens every sealed file with the published key: the same bytes. ---
        private = private_from_scalar(b64u_decode(_published(key)))
        for opened in OpenedFile.objects.select_related("sealed_file"):
            again = io.BytesIO()
            with document_open(name=opened.sealed_file.stored_name) as source:
                open_stream(source, again, private_key=private)
            with document_open(name=opened.stored_name) as kept:
                assert kept.read() == again.getvalue()
    finally:
        for context in contexts:
            context.close()


def _published(key: TenderKey) -> str:
    from inaproc.translog.models import LogEntry

    entry = LogEntry.objects.get(kind="tender.private_key_published")
    body = json.loads(entry.body)
    assert body["public_key_fingerprint"] == key.fingerprint
    return body["private_key"]
