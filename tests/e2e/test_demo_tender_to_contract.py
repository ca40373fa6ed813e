"""The demo's walk from opening to contract in Chromium (issue 13, "Done when"), on the
data `load_demo` makes and with its printed passwords and key files:

- the Pascakualifikasi Satu File tender "Pengadaan Perangkat Jaringan Kantor": two Pokja
  members open it with their demo key files; the three bids are evaluated (PT Bina Karya
  Mandiri's, the lowest, fails administrasi with its reason; CV Cahaya Teknik Utama's,
  the highest offer, wins once corrected); a second member approves; the qualification
  proof; the winner announced and every participant emailed; Bina Karya objects during
  Masa Sanggah and the Pokja rejects it with reasons; after Masa Sanggah the PPK issues
  the award letter and records the contract; each public page is read without login,
  at Inaproc's and SPSE's paths;
- the Pengadaan Langsung "Pengadaan Meubelair Ruang Rapat": the Pejabat Pengadaan opens
  it alone with the demo key file, evaluates, negotiates, announces; the PPK awards and
  records the contract; the public non-tender pages are read without login.

Time moves as in the objection and award tests: Masa Sanggah is placed by a schedule edit
(tests.objections.factories.objection_window); everything else goes through the pages.
axe on every page visited; screenshots land in test-artifacts/tenders/demo-*.png."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from inaproc.accounts.models import User
from inaproc.award.models import Contract
from inaproc.bids.models import TenderKey
from inaproc.demo.management.commands.load_demo import demo_bidders
from inaproc.demo.tenders import OFFICIALS, OPENING_PL, OPENING_TENDER
from inaproc.evaluation.selectors import announced_result
from inaproc.notifications.models import Email
from inaproc.objections.models import Objection
from inaproc.tenders.models import Package, Participation
from tests.e2e import lifecycle as step
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.objections.factories import objection_window
from tests.spse import readers

pytestmark = pytest.mark.e2e

SLUG = "kemenkeu"
PASSWORDS = {official.username: official.password for official in OFFICIALS}
WINNER_EMAIL = "evaluation/email/winner_announced"


def _official(username: str) -> User:
    return User.objects.get(portal__slug=SLUG, username=username)


def _key_file(username: str) -> Path:
    return Path(django_settings.DEMO_KEY_DIR) / f"{SLUG}-{username}.inpkey"


def _bidder_password(username: str) -> str:
    return next(a.password for a in demo_bidders(SLUG) if a.username == username)


class Walk:
    """The pages met, with the accessibility problems found on each."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, page: Page, label: str, shot: str = "") -> None:
        self.problems += [f"{label}: {v}" for v in violations(page)]
        if shot:
            step.shot(page, f"demo-{shot}")


def _participations(package: Package) -> dict[str, Participation]:
    return {
        p.company.name: p
        for p in Participation.objects.filter(package=package).select_related("company")
    }


def _public_tender_pages(browser: Browser, base: str, package: Package, walk: Walk) -> None:
    """Participants with prices, the evaluation with SPSE's one-letter headers, the
    winner and the winner with contract, without login."""
    public = step.new_page(browser)
    code = package.code
    for path in (f"tender/{code}/peserta/", f"lelang/{code}/peserta"):
        assert public.goto(f"{base}/{SLUG}/{path}").status == 200
        main = public.locator("main") if path.startswith("tender") else public.locator("body")
        for price in ("912.500.000", "940.800.000", "955.000.000"):
            expect(main).to_contain_text(price)
        walk.check(public, f"public participants ({path})")

    public.goto(f"{base}/{SLUG}/evaluasi/{code}/hasil")
    walk.check(public, "public evaluation", "public-evaluation")
    header, rows = readers.evaluation(public.content().encode())
    assert header[2:5] == ["a", "t", "st"]
    by_name = {row[1]: row for row in rows}
    assert len(rows) == 3
    failed = next(row for name, row in by_name.items() if "Bina Karya" in name)
    assert failed[2] == readers.ICONS["fa-close"]

    public.goto(f"{base}/{SLUG}/evaluasi/{code}/pemenang")
    walk.check(public, "public winner")
    (winner,) = readers.winners(public.content().encode())
    assert winner["nama_pemenang"] == "CV Cahaya Teknik Utama"
    assert winner["harga_penawaran"] == "Rp 955.000.000,00"
    assert winner["harga_terkoreksi"] == "Rp 925.000.000,00"

    public.goto(f"{base}/{SLUG}/evaluasi/{code}/pemenangberkontrak")
    walk.check(public, "public winner with contract", "public-contract")
    (winner,) = readers.winners(public.content().encode())
    assert winner["nama_pemenang"] == "CV Cahaya Teknik Utama"
    main = public.locator("main")
    expect(main).to_contain_text("KTR-07/BIRO-UMUM/2026")
    expect(main).to_contain_text("Rp 925.000.000,00")

    public.goto(f"{base}/{SLUG}/tender/{code}/sanggah/")
    expect(public.locator("main")).to_contain_text("PT Bina Karya Mandiri")
    expect(public.locator("main")).to_contain_text("Ditolak")
    walk.check(public, "public objections")
    public.context.close()


def test_the_demo_tender_and_pengadaan_langsung_from_opening_to_contract(
    live_server, settings, page: Page, browser: Browser
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    call_command("load_demo", force=True, stdout=io.StringIO())
    walk = Walk()
    today = timezone.localdate()

    # --- The tender: two Pokja members open it with their demo key files. ---
    package = Package.objects.get(portal__slug=SLUG, name=OPENING_TENDER)
    staff = f"{base}/{SLUG}/staf/paket/{package.pk}/"
    pokja1, pokja2, ppk = _official("pokja1"), _official("pokja2"), _official("ppk")
    second = step.new_page(browser)
    staff_log_in(page, base, pokja1, PASSWORDS["pokja1"])
    staff_log_in(second, base, pokja2, PASSWORDS["pokja2"])
    step.send_key_share(page, f"{staff}pembukaan/", _key_file("pokja1"), PASSWORDS["pokja1"])
    walk.check(page, "opening page")
    step.send_key_share(second, f"{staff}pembukaan/", _key_file("pokja2"), PASSWORDS["pokja2"])
    assert TenderKey.objects.get(package=package).opened_at is not None

    # --- Evaluation: Bina Karya fails administrasi, Cahaya Teknik wins once corrected. ---
    bids = _participations(package)
    maju, bina, cahaya = (
        bids["PT Maju Bersama Konstruksi"],
        bids["PT Bina Karya Mandiri"],
        bids["CV Cahaya Teknik Utama"],
    )
    board = f"{staff}evaluasi/"
    step.evaluate(
        page,
        f"{board}peserta/{bina.pk}/",
        {**step.PASSING, "administrasi": "fail"},
        administrasi_reason="Jaminan penawaran tidak dilampirkan.",
    )
    step.evaluate(
        page,
        f"{board}peserta/{cahaya.pk}/",
        step.PASSING,
        corrected_price="925.000.000",
        correction_note="Kesalahan perkalian volume pada item 4 (switch 48 port).",
    )
    step.evaluate(page, f"{board}peserta/{maju.pk}/", step.PASSING)
    expect(page.locator("#id_winner")).to_have_value(str(cahaya.pk))
    expect(page.locator("#id_reserve1")).to_have_value(str(maju.pk))
    walk.check(page, "evaluation board", "evaluation-board")
    step.propose(page, board)
    step.approve_proposal(second, board)
    second.context.close()

    step.invite_to_proof(page, board, cahaya.pk, "Ruang Rapat Biro Umum, Lantai 2")
    step.record_proof(page, board, cahaya.pk)
    step.announce(page, board)
    walk.check(page, "evaluation board after the announcement")
    assert announced_result(package).winner == cahaya
    emailed = set(Email.objects.filter(template=WINNER_EMAIL).values_list("to", flat=True))
    for participation in (maju, bina, cahaya):
        addresses = {participation.company.email} | {
            m.user.email for m in participation.company.members.select_related("user")
        }
        assert emailed & addresses, participation.company.name

    # --- Masa Sanggah runs: Bina Karya objects; the Pokja rejects it with reasons. ---
    now = timezone.now()
    objection_window(package, starts=now - timedelta(hours=1), ends=now + timedelta(days=2))
    vendor = step.new_page(browser)
    log_in(vendor, base, SLUG, "binakarya", _bidder_password("binakarya"))
    vendor.wait_for_url(lambda url: "/masuk/" not in url)
    step.file_objection(
        vendor,
        f"{base}/{SLUG}/perusahaan/tender/",
        "Jaminan penawaran kami terlampir pada halaman 12 dokumen penawaran.",
    )
    walk.check(vendor, "vendor objection", "objection-filed")
    vendor.context.close()
    objection = Objection.objects.get(package=package)
    step.reject_objection(
        page,
        f"{staff}sanggah/",
        objection.pk,
        "Halaman 12 memuat surat dukungan bank, bukan jaminan penawaran.",
    )
    walk.check(page, "objection answered")

    # --- After Masa Sanggah the PPK issues the award letter and records the contract. ---
    objection_window(package, starts=now - timedelta(days=3), ends=now - timedelta(minutes=1))
    office = step.new_page(browser)
    staff_log_in(office, base, ppk, PASSWORDS["ppk"])
    step.issue_award_letter(office, f"{staff}sppbj/", "031/SPPBJ/BU/XII/2026", today)
    step.fill_contract(office, "KTR-07/BIRO-UMUM/2026", "925.000.000", today)
    walk.check(office, "award page", "award")
    step.send_contract(office, "KTR-07/BIRO-UMUM/2026")
    assert Contract.objects.get(package=package).value == 925_000_000

    _public_tender_pages(browser, base, package, walk)

    # --- The Pengadaan Langsung: the official opens it alone, negotiates, announces. ---
    pl = Package.objects.get(portal__slug=SLUG, name=OPENING_PL)
    pl_staff = f"{base}/{SLUG}/staf/paket/{pl.pk}/"
    official = step.new_page(browser)
    staff_log_in(official, base, _official("pejabat"), PASSWORDS["pejabat"])
    step.send_key_share(
        official, f"{pl_staff}pembukaan/", _key_file("pejabat"), PASSWORDS["pejabat"]
    )
    assert TenderKey.objects.get(package=pl).opened_at is not None
    (invited,) = Participation.objects.filter(package=pl)
    pl_board = f"{pl_staff}evaluasi/"
    entry = f"{pl_board}peserta/{invited.pk}/"
    step.evaluate(official, entry, step.PASSING)
    step.negotiate(official, entry, "Rp 142.500.000", "Disepakati dalam rapat negosiasi.")
    walk.check(official, "non-tender board", "pl-board")
    step.propose(official, pl_board)
    step.invite_to_proof(official, pl_board, invited.pk, "Kantor Pejabat Pengadaan")
    step.record_proof(official, pl_board, invited.pk)
    step.announce(official, pl_board)
    assert announced_result(pl).winner == invited
    assert Email.objects.filter(template=WINNER_EMAIL, body__contains="142.500.000").exists()

    step.issue_award_letter(office, f"{pl_staff}sppbj/", "032/SPPBJ/BU/XII/2026", today)
    step.fill_contract(office, "KTR-08/BIRO-UMUM/2026", "142.500.000", today)
    step.send_contract(office, "KTR-08/BIRO-UMUM/2026")
    walk.check(office, "non-tender award page")
    office.context.close()
    official.context.close()

    public = step.new_page(browser)
    public.goto(f"{base}/{SLUG}/nontender/{pl.code}/peserta")
    expect(public.locator("body")).to_contain_text("147.000.000")
    walk.check(public, "public non-tender participants")
    public.goto(f"{base}/{SLUG}/evaluasinontender/{pl.code}/pemenangberkontrak")
    walk.check(public, "public non-tender winner with contract", "pl-public-contract")
    (winner,) = readers.winners(public.content().encode())
    assert winner["nama_pemenang"] == "PT Maju Bersama Konstruksi"
    assert winner["harga_penawaran"] == "Rp 147.000.000,00"
    assert winner["hasil_negosiasi"] == "Rp 142.500.000,00"
    expect(public.locator("main")).to_contain_text("KTR-08/BIRO-UMUM/2026")
    public.context.close()
    assert not walk.problems, "\n".join(walk.problems)
