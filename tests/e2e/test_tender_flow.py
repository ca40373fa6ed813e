"""A tender from the first official to the clarification, in a real browser, on the demo
data (issue 12, "Done when"):

the portal administrator invites a PPK and a Pokja member (each sets a password through
the emailed link and enrols an authenticator app), forms a Pokja of the new member and two
demo members, and allows short stages → the PPK creates a package with every required
field and assigns it to that Pokja → the Pokja completes it (document, schedule), two of
its three members approve and it is published → the public list and announcement show it
without an account → the demo vendor joins (integrity pact, KBLI warning), downloads the
document and asks a question → the Pokja answers and publishes an addendum → the vendor
sees both and is emailed → an incident recorded by the administrator in the day before
the bid deadline moves the deadline; the public schedule shows the change count and the
reason.

Every page of the tenders app met on the way is checked with axe (WCAG 2.2 AA) at 1280
and at 390 px, where it must not pan sideways either. Screenshots for docs/tenders.md go
to test-artifacts/tenders/ (copy them to docs/images/tenders/).

Pages stay in Indonesian, the default, as in the screenshots: assertions rest on the data
the test typed, on element ids and on URLs, not on translated texts.
"""

import io
import re
from base64 import b32decode
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Browser, BrowserContext, Page, expect

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.staff import INVITATION_EMAIL
from inaproc.demo.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_VENDOR_NPWP
from inaproc.demo.tenders import OFFICIALS
from inaproc.notifications.models import Email
from inaproc.tenders.models import Package, PackageState, Pokja, Question, ScheduleChange
from inaproc.tenders.stages import BID_UPLOAD, CLARIFICATION, PASCA_SATU_FILE
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, staff_log_in, type_factor_code
from tests.e2e.test_accessibility import violations
from tests.e2e.test_no_sideways_scroll import PANS, WIDEST
from tests.helpers import run_task_worker
from tests.vendors.builders import pdf_bytes

pytestmark = pytest.mark.e2e

SLUG = "kemenkeu"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "lampu-minyak-di-rumah-nenek-77"
PPK = {"username": "ppk.baru", "full_name": "Rudi Hartono", "email": "rudi@kemenkeu.example.id"}
POKJA = {"username": "pokja.baru", "full_name": "Lina Marlina", "email": "lina@kemenkeu.example.id"}
NEW_POKJA = "Pokja Pemilihan Konstruksi 2"
PACKAGE_NAME = "Pembangunan Ruang Server Gedung B"
QUESTION = "Apakah pekerjaan instalasi listrik termasuk dalam lingkup pekerjaan ini?"
ANSWER = "Ya, termasuk. Rinciannya ada pada adendum 1 yang kami terbitkan hari ini."
ADDENDUM_NOTE = "Adendum 1: spesifikasi instalasi listrik ditambahkan (bab IV)."
INCIDENT = "Server basis data tidak dapat diakses; penyedia tidak bisa mengunggah dokumen."


def received(mailoutbox, address: str, code: int) -> list:
    """The emails delivered to `address` about tender `code`, oldest first."""
    return [m for m in mailoutbox if address in m.to and str(code) in m.body]


def demo_password(role: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.portal == SLUG and a.role == role)


def official_password(key: str) -> str:
    return next(o.password for o in OFFICIALS if o.key == key)


class Checker:
    """axe at 1280 px and at 390 px (where nothing may pan sideways either); the
    problems are collected and reported together at the end of the test."""

    def __init__(self, shots) -> None:
        self.problems: list[str] = []
        self.shots = shots

    def __call__(self, page: Page, label: str, *, shot: str = "", phone_shot: str = "") -> None:
        self.problems.extend(f"{label} at 1280 px: {v}" for v in violations(page))
        if shot:
            page.screenshot(path=self.shots / f"{shot}.png", full_page=True)
        page.set_viewport_size(PHONE)
        try:
            if (pans := page.evaluate(PANS)) > 0:
                widest = ", ".join(page.evaluate(WIDEST))
                self.problems.append(f"{label} at 390 px: pans {pans} px ({widest})")
            self.problems.extend(f"{label} at 390 px: {v}" for v in violations(page))
            if phone_shot:
                page.screenshot(path=self.shots / f"{phone_shot}.png", full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)


def new_page(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="id-ID", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def local_input(moment: datetime) -> str:
    """A time as a datetime-local field takes it, in WIB."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def accept_invitation(page: Page, base: str, person: dict) -> None:
    """The invited person opens the emailed link, chooses a password, signs in and sets
    up an authenticator app (the page shows its key as text, as for a phone-less user)."""
    body = Email.objects.get(template=INVITATION_EMAIL, to=person["email"]).body
    link = re.search(r"http://\S+/undangan-staf/\S+/", body).group(0)
    assert link.startswith(base)
    page.goto(link)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{SLUG}/masuk/")
    log_in(page, base, SLUG, person["username"], PASSWORD)
    factors = f"{base}/{SLUG}/akun/faktor-kedua/"
    expect(page).to_have_url(factors)
    page.locator("#factor-totp a[href$='/akun/faktor-kedua/aplikasi/']").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    type_factor_code(page, f"{totp(b32decode(secret), step=30, t0=0, digits=6):06d}")
    expect(page.locator("#recovery-codes li")).to_have_count(10)


def schedule_times(start: datetime, deadline: datetime) -> dict[str, tuple[datetime, datetime]]:
    """Pascakualifikasi Satu File from `start`: announcement, download, clarification and
    bid upload open together (clarification at once, so that the vendor can ask in this
    test), bids until `deadline`, then the later stages a few days each."""
    day = timedelta(days=1)
    times = {
        "pengumuman_pasca": (start, deadline),
        "download_dokumen_pemilihan": (start, deadline),
        CLARIFICATION: (start, deadline - timedelta(hours=3)),
        BID_UPLOAD: (start, deadline),
        "pembukaan_penawaran": (deadline, deadline + timedelta(hours=2)),
        "evaluasi_penawaran": (deadline + timedelta(hours=2), deadline + 3 * day),
        "pembuktian_kualifikasi": (deadline + 3 * day, deadline + 5 * day),
        "penetapan_pemenang": (deadline + 5 * day, deadline + 6 * day),
        "pengumuman_pemenang": (deadline + 6 * day, deadline + 7 * day),
        "masa_sanggah": (deadline + 7 * day, deadline + 10 * day),
        "sppbj": (deadline + 10 * day, deadline + 12 * day),
        "penandatanganan_kontrak": (deadline + 12 * day, deadline + 14 * day),
    }
    assert list(times) == PASCA_SATU_FILE.keys()
    return times


@pytest.fixture
def demo(live_server, settings):
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    call_command("load_demo", force=True, stdout=io.StringIO())
    return live_server.url


def test_a_tender_from_the_invitation_of_its_officials_to_a_moved_deadline(
    browser: Browser, demo: str, artifacts_dir, mailoutbox
):
    base = demo
    shots = artifacts_dir / "tenders"
    shots.mkdir(parents=True, exist_ok=True)
    check = Checker(shots)
    staff_url = f"{base}/{SLUG}/staf/"
    admin = User.objects.get(portal__slug=SLUG, username="admin")
    contexts: list[BrowserContext] = []

    def person() -> Page:
        context, page = new_page(browser)
        contexts.append(context)
        return page

    try:
        # --- The portal administrator invites a PPK and a Pokja member. ---
        desk = person()
        staff_log_in(desk, base, admin, demo_password(Role.PORTAL_ADMIN))
        for invited, role in ((PPK, Role.PPK), (POKJA, Role.POKJA)):
            desk.goto(staff_url + "pengguna/undang/")
            desk.locator("#id_full_name").fill(invited["full_name"])
            desk.locator("#id_email").fill(invited["email"])
            desk.locator("#id_username").fill(invited["username"])
            desk.locator(f"input[name=roles][value={role}]").check()
            if role == Role.POKJA:
                check(desk, "staff invitation", shot="staff-invite")
            desk.locator("main form button[type=submit]").click()
            expect(desk).to_have_url(staff_url + "pengguna/")
        expect(desk.locator("main")).to_contain_text(PPK["username"])
        check(desk, "staff list", shot="staff-list")

        # Each accepts in their own browser.
        ppk, pokja_chair = person(), person()
        accept_invitation(ppk, base, PPK)
        accept_invitation(pokja_chair, base, POKJA)
        new_member = User.objects.get(portal__slug=SLUG, username=POKJA["username"])
        assert new_member.roles == {Role.POKJA}

        # A Pokja of three: the new member (chair) and two of the demo Pokja's members.
        desk.goto(staff_url + "pokja/")
        check(desk, "Pokja list")
        desk.goto(staff_url + "pokja/baru/")
        desk.locator("#id_name").fill(NEW_POKJA)
        desk.locator("main form button[type=submit]").click()
        pokja = Pokja.objects.get(portal__slug=SLUG, name=NEW_POKJA)
        expect(desk).to_have_url(f"{staff_url}pokja/{pokja.pk}/")
        for username in (POKJA["username"], "pokja2", "pokja3"):
            member = User.objects.get(portal__slug=SLUG, username=username)
            desk.locator("#id_user").select_option(str(member.pk))
            desk.locator("form[action$='/anggota/'] button[type=submit]").click()
            expect(desk).to_have_url(f"{staff_url}pokja/{pokja.pk}/")
        chair = pokja.members.get(user=new_member)
        desk.locator(f"#member-{chair.pk} form button[type=submit]").click()
        expect(desk.locator(f"#member-{chair.pk} form")).to_have_count(0)
        assert pokja.members.filter(is_chair=True).get() == chair
        check(desk, "Pokja detail", shot="pokja-detail")

        # Tender settings: this portal allows clarification and bid upload shorter than
        # a day. The test needs it: the incident below must be over already and lie in
        # the 24 hours before the bid deadline, so the deadline must come less than a
        # day after the schedule starts (the default minimum of one day each would
        # forbid that; waiting a day is no option in a test).
        desk.goto(staff_url + "pengaturan/tender/")
        desk.locator(f"#id_{BID_UPLOAD}").fill("0")
        desk.locator(f"#id_{CLARIFICATION}").fill("0")
        check(desk, "tender settings", shot="tender-settings")
        desk.locator("main form button[type=submit]").click()
        expect(desk).to_have_url(staff_url + "pengaturan/tender/")
        expect(desk.locator(f"#id_{BID_UPLOAD}")).to_have_value("0")

        # --- The PPK creates a package with every required field and assigns it. ---
        ppk.goto(staff_url + "paket/")
        check(ppk, "officials' dashboard (PPK)")
        ppk.locator("main a[href$='/staf/paket/baru/']").first.click()
        expect(ppk).to_have_url(staff_url + "paket/baru/")
        ppk.locator("#id_name").fill(PACKAGE_NAME)
        ppk.locator("#id_description").fill(
            "Pembangunan ruang server lengkap dengan lantai panggung, pendingin udara "
            "presisi dan sistem pemadam kebakaran gas."
        )
        ppk.locator("#id_rup_code").fill("1238867798")
        ppk.locator("#id_rup_name").fill("Belanja Modal Gedung dan Bangunan")
        ppk.locator("#id_work_unit").fill("Pusat Sistem Informasi dan Teknologi Keuangan")
        ppk.locator("#id_funding_source").select_option("apbn")
        ppk.locator("#id_procurement_type").select_option("konstruksi")
        ppk.locator("#id_selection_method").select_option("tender")
        ppk.locator("#id_qualification_method").select_option("pasca")
        ppk.locator("#id_document_method").select_option("satu_file")
        ppk.locator("#id_evaluation_method").select_option("harga_terendah")
        ppk.locator("#id_contract_type").select_option("harga_satuan")
        ppk.locator("#id_business_qualification").select_option("kecil")
        ppk.locator("#id_pagu").fill("2.000.000.000")
        ppk.locator("#id_hps").fill("1.850.000.000")
        # The demo vendor works in 41011 but not in 43302: joining warns about it.
        ppk.locator("#id_kbli").fill("41011, 43302")
        ppk.locator("#id_qualification_requirements").fill(
            "SBU konstruksi gedung yang masih berlaku; pengalaman pekerjaan sejenis."
        )
        ppk.locator("#id_location_0_province").select_option("dki_jakarta")
        ppk.locator("#id_location_0_city").fill("Kota Jakarta Pusat")
        check(ppk, "package form", shot="package-form")
        ppk.locator("main form button[type=submit]").click()
        package = Package.objects.get(portal__slug=SLUG, name=PACKAGE_NAME)
        detail = f"{staff_url}paket/{package.pk}/"
        expect(ppk).to_have_url(detail)
        assert package.hps == 1_850_000_000 and package.pagu == 2_000_000_000
        assert sorted(package.kbli.values_list("code", flat=True)) == ["41011", "43302"]
        ppk.locator(f"main a[href$='/paket/{package.pk}/tugaskan/']").click()
        ppk.locator("#id_runner").select_option(f"pokja-{pokja.pk}")
        check(ppk, "package assignment")
        ppk.locator("main form button[type=submit]").click()
        expect(ppk).to_have_url(detail)
        package.refresh_from_db()
        assert package.state == PackageState.ASSIGNED and package.pokja == pokja

        # --- The Pokja completes it: the tender document, then the schedule. ---
        pokja_chair.goto(staff_url + "paket/")
        expect(pokja_chair.locator("main")).to_contain_text(PACKAGE_NAME)
        check(pokja_chair, "officials' dashboard (Pokja)", shot="officials-dashboard")
        pokja_chair.goto(detail)
        pokja_chair.locator(f"main a[href$='/paket/{package.pk}/dokumen/']").click()
        pokja_chair.locator("#id_kind").select_option("dokumen_pemilihan")
        pokja_chair.locator("#id_upload").set_input_files(
            files=[
                {
                    "name": "dokumen-pemilihan.pdf",
                    "mimeType": "application/pdf",
                    "buffer": pdf_bytes(),
                }
            ]
        )
        pokja_chair.locator("#id_note").fill("Dokumen pemilihan, versi awal")
        check(pokja_chair, "document upload")
        pokja_chair.locator("main form button[type=submit]").click()
        expect(pokja_chair).to_have_url(detail)
        expect(pokja_chair.locator("main")).to_contain_text("dokumen-pemilihan.pdf")

        # The schedule starts now (a time typed as "now" is allowed) and the bids close
        # in 23 hours, tomorrow on most clocks.
        start = timezone.now().replace(second=0, microsecond=0)
        deadline = start + timedelta(hours=23)
        pokja_chair.goto(f"{detail}jadwal/")
        for key, (starts_at, ends_at) in schedule_times(start, deadline).items():
            pokja_chair.locator(f"#id_{key}__starts_at").fill(local_input(starts_at))
            pokja_chair.locator(f"#id_{key}__ends_at").fill(local_input(ends_at))
        check(pokja_chair, "schedule form", shot="schedule-form")
        pokja_chair.locator("main form button[type=submit]").click()
        expect(pokja_chair).to_have_url(f"{detail}jadwal/")
        expect(pokja_chair.locator(".form-errors")).to_have_count(0)
        assert package.stages.get(key=BID_UPLOAD).ends_at == deadline
        pokja_chair.goto(detail)
        check(pokja_chair, "package detail", shot="package-detail")

        # --- The chair's browser makes the tender keys (the members' opening keys were
        # made by load_demo), then two of three approve: published. ---
        pokja_chair.goto(f"{detail}kunci-tender/")
        check(pokja_chair, "tender keys page")
        pokja_chair.locator("form[data-ceremony-form] button[type=submit]").click()
        expect(pokja_chair).to_have_url(f"{detail}publikasi/")
        assert package.tender_keys.count() == 1
        publication = f"{detail}publikasi/"
        pokja_chair.goto(publication)
        approve = "form[action$='/publikasi/setujui/'] button[type=submit]"
        check(pokja_chair, "publication page")
        pokja_chair.locator(approve).click()
        package.refresh_from_db()
        assert package.state == PackageState.ASSIGNED  # one of the two approvals
        second = person()
        staff_log_in(
            second,
            base,
            User.objects.get(portal__slug=SLUG, username="pokja2"),
            official_password("pokja2"),
        )
        second.goto(publication)
        second.locator(approve).click()
        package.refresh_from_db()
        assert package.state == PackageState.PUBLISHED
        assert package.approvals.count() == 2
        second.goto(publication)
        expect(second.locator("main")).to_contain_text(POKJA["full_name"])
        check(second, "publication page, published", shot="publication")

        # --- Anyone reads it, without an account. ---
        public = person()
        public.goto(f"{base}/{SLUG}/tender/")
        expect(public.locator("main")).to_contain_text(PACKAGE_NAME)
        check(public, "public list", shot="public-list", phone_shot="public-list-phone")
        public.goto(f"{base}/{SLUG}/tender/{package.code}/")
        expect(public.locator("h1")).to_contain_text(PACKAGE_NAME)
        expect(public.locator("main")).to_contain_text("1.850.000.000")
        check(
            public,
            "announcement",
            shot="public-announcement",
            phone_shot="public-announcement-phone",
        )

        # --- The vendor joins, downloads the document and asks. ---
        vendor_user = User.objects.get(portal__slug=SLUG, username=DEMO_VENDOR_NPWP)
        vendor = person()
        log_in(vendor, base, SLUG, DEMO_VENDOR_NPWP, demo_password(Role.VENDOR))
        expect(vendor).to_have_url(f"{base}/{SLUG}/dasbor/")
        vendor.goto(f"{base}/{SLUG}/tender/{package.code}/")
        vendor.locator(f"main a[href$='/tender/{package.code}/ikut/']").click()
        expect(vendor.locator("#warnings-heading")).to_be_visible()
        expect(vendor.locator("main")).to_contain_text("43302")
        check(vendor, "join page", shot="join")
        vendor.locator("#id_integrity_pact").check()
        vendor.locator("main form button[type=submit]").click()
        tender_page = f"{base}/{SLUG}/perusahaan/tender/{package.code}/"
        expect(vendor).to_have_url(tender_page)
        with vendor.expect_download() as download:
            vendor.locator("main a[href*='/dokumen/']").first.click()
        assert download.value.suggested_filename == "dokumen-pemilihan.pdf"
        vendor.locator("#id_text").fill(QUESTION)
        vendor.locator("form[action$='/pertanyaan/'] button[type=submit]").click()
        expect(vendor).to_have_url(tender_page + "#questions")
        expect(vendor.locator("main")).to_contain_text(QUESTION)
        question = Question.objects.get(participation__package=package)

        # --- The Pokja answers and publishes an addendum. ---
        pokja_chair.goto(f"{detail}pertanyaan/")
        expect(pokja_chair.locator(f"#question-{question.pk}")).to_contain_text(QUESTION)
        check(pokja_chair, "questions page")
        pokja_chair.locator(f"#question-{question.pk} textarea").fill(ANSWER)
        pokja_chair.locator(f"#question-{question.pk} button[type=submit]").click()
        expect(pokja_chair.locator(f"#question-{question.pk}")).to_contain_text(ANSWER)
        check(pokja_chair, "questions page, answered", shot="questions")
        pokja_chair.goto(f"{detail}adendum/")
        pokja_chair.locator("#id_upload").set_input_files(
            files=[{"name": "adendum-1.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
        )
        pokja_chair.locator("#id_note").fill(ADDENDUM_NOTE)
        check(pokja_chair, "addendum form")
        pokja_chair.locator("main form button[type=submit]").click()
        expect(pokja_chair).to_have_url(detail)

        # The vendor sees both, and both were emailed to it.
        vendor.goto(tender_page)
        expect(vendor.locator(f"#question-{question.pk}")).to_contain_text(ANSWER)
        expect(vendor.locator("main")).to_contain_text("adendum-1.pdf")
        expect(vendor.locator("main")).to_contain_text(ADDENDUM_NOTE)
        expect(vendor.locator("main")).not_to_contain_text(POKJA["full_name"])
        check(vendor, "participant's tender page", shot="participant-tender")
        # The task worker delivers the emails, as in production (the outbox row's body
        # is cleared once sent: what arrived is in the mailbox). The demo's own tender
        # in clarification emailed the vendor too: this tender's mail names its code.
        run_task_worker()
        mail = received(mailoutbox, vendor_user.email, package.code)
        assert [ANSWER in m.body for m in mail] == [True, False]
        assert [ADDENDUM_NOTE in m.body for m in mail] == [False, True]
        vendor.goto(f"{base}/{SLUG}/perusahaan/tender/")
        expect(vendor.locator("main")).to_contain_text(PACKAGE_NAME)
        check(vendor, "my tenders", shot="my-tenders", phone_shot="my-tenders-phone")

        # --- An incident in the day before the deadline moves it. ---
        # It began 30 minutes before the schedule's start and lasted 20 minutes: over,
        # and inside the 24 hours before the deadline (23 hours after the start), so
        # the deadline moves by 20 minutes plus the portal's margin of 2 hours.
        desk.goto(staff_url + "pemeliharaan/gangguan/")
        incident_start = start - timedelta(minutes=30)
        desk.locator("#id_starts_at").fill(local_input(incident_start))
        desk.locator("#id_ends_at").fill(local_input(incident_start + timedelta(minutes=20)))
        desk.locator("#id_description").fill(INCIDENT)
        check(desk, "incident form", shot="incident-form")
        desk.locator("main form button[type=submit]").click()
        expect(desk.locator("main")).to_contain_text(INCIDENT)
        run_task_worker()  # the grace runs in the task queue, as in production

        moved = package.stages.get(key=BID_UPLOAD)
        assert moved.ends_at == deadline + timedelta(minutes=20 + 120)
        assert moved.change_count == 1
        change = ScheduleChange.objects.get(stage=moved)
        assert change.changed_by is None
        public.goto(f"{base}/{SLUG}/tender/{package.code}/jadwal/")
        upload_row = public.locator("tr", has_text="Upload Dokumen Penawaran").first
        expect(upload_row.locator("td").last).to_have_text("1")  # Perubahan: one change
        expect(public.locator("main")).to_contain_text(change.reason.splitlines()[0][:60])
        check(public, "public schedule", shot="public-schedule", phone_shot="public-schedule-phone")
        run_task_worker()
        moved_mail = received(mailoutbox, vendor_user.email, package.code)[len(mail) :]
        assert len(moved_mail) == 1
        assert timezone.localtime(moved.ends_at).strftime("%H:%M") in moved_mail[0].body
    finally:
        for context in contexts:
            context.close()

    assert not check.problems, "\n".join(check.problems)
