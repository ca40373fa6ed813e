"""On a phone (320 and 390 px wide) no page pans sideways, the buttons of the company users
and active sessions tables are on screen without scrolling, and axe finds nothing on the
pages at either width (issue 14, item 5; the tender pages of issue 12 too). The pages are a
representative set of the public, vendor and staff pages, filled with the demo data.

One browser context per person, signed in once; each page is loaded once and measured at
both widths (the viewport is resized in place), which keeps the file well under a minute.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page

from inaproc.accounts.models import Role, User
from inaproc.demo.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_VENDOR_NPWP
from inaproc.helpdesk.models import Ticket
from inaproc.tenders.models import Package, Pokja
from inaproc.vendors.companies.services.invitations import invitation_create
from inaproc.vendors.models import Company, Registration, RegistrationStatus
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.helpers import signed_in

pytestmark = pytest.mark.e2e

SLUG = "kemenkeu"
PHONES = [{"width": 320, "height": 800}, {"width": 390, "height": 844}]

# The elements that stick out on the right, deepest first: what to fix when a page pans.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  // Inside a scrolling region (which an absolutely placed element escapes up to its
  // containing block): not the page's problem.
  const clipped = (element) => {
    let escapes = getComputedStyle(element).position === 'absolute';
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (escapes && style.position !== 'static') escapes = false;
      if (!escapes && style.overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > limit + 0.5 && !clipped(element);
  });
  return out
    .filter((element) => !out.some((other) => other !== element && element.contains(other)))
    .slice(0, 5)
    .map((element) => element.tagName.toLowerCase()
      + (element.id ? '#' + element.id : '')
      + (typeof element.className === 'string' && element.className.trim()
        ? '.' + element.className.trim().split(/\\s+/).join('.') : ''));
}"""
PANS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Controls of a table that lie beyond the right edge of the screen.
OFF_SCREEN_CONTROLS = """(selector) => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll(selector + ' :is(a, button)')]
    .filter((control) => control.getBoundingClientRect().right > limit + 0.5)
    .map((control) => control.textContent.trim());
}"""


def password_of(role: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.portal == SLUG and a.role == role)


def phone_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(locale="id-ID", viewport=PHONES[0], is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def problems_on(page: Page, base: str, path: str, tables: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with `path` at each phone width: sideways panning (with the elements
    that cause it), links or buttons of `tables` beyond the screen's right edge, and
    axe's violations."""
    found = []
    page.set_viewport_size(PHONES[0])
    response = page.goto(base + path)
    assert response is not None and response.ok, (path, response and response.status)
    for size in PHONES:
        page.set_viewport_size(size)
        where = f"{path} at {size['width']} px"
        if (pans := page.evaluate(PANS)) > 0:
            found.append(f"{where}: pans {pans} px ({', '.join(page.evaluate(WIDEST))})")
        for table in tables:
            if off_screen := page.evaluate(OFF_SCREEN_CONTROLS, table):
                found.append(f"{where}: off screen in {table}: {off_screen}")
        found.extend(f"{where}: {violation}" for violation in violations(page))
    return found


def visit(page: Page, base: str, pages: dict[str, tuple[str, ...]]) -> list[str]:
    """`problems_on` each of `pages` (path: the tables whose controls must be on screen)."""
    return [
        problem
        for path, tables in pages.items()
        for problem in problems_on(page, base, path, tables)
    ]


def tender_code(name: str) -> int:
    """The public code of the demo tender `name` on the portal."""
    return Package.objects.get(portal__slug=SLUG, name=name).code


@pytest.fixture
def demo(live_server):
    call_command("load_demo", force=True, stdout=io.StringIO())
    return live_server.url


def test_public_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo: str):
    context = phone_context(browser)
    page = context.new_page()
    pages = {
        "/": (),
        f"/{SLUG}/": (),
        f"/{SLUG}/masuk/": (),
        f"/{SLUG}/pendaftaran/": (),
        f"/{SLUG}/pengumuman/": (),
        f"/{SLUG}/bantuan/": (),
        f"/{SLUG}/bantuan/tiket/baru/": (),
        f"/{SLUG}/tender/": (),
        f"/{SLUG}/tender/?q=gedung&jenis=konstruksi": (),
        f"/{SLUG}/tender/{tender_code('Rehabilitasi Gedung Kantor Utama')}/": (),
        f"/{SLUG}/tender/{tender_code('Rehabilitasi Gedung Kantor Utama')}/jadwal/": (),
    }
    try:
        found = visit(page, demo, pages)
        assert not found, "\n".join(found)
    finally:
        context.close()


def test_a_vendor_admins_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo: str):
    vendor = User.objects.get(portal__slug=SLUG, username=DEMO_VENDOR_NPWP)
    company = Company.objects.get(members__user=vendor)
    invitation_create(
        company=company,
        actor=vendor,
        email="calon.pengguna.dengan.alamat.yang.panjang@majubersama.example.id",
        full_name="Calon Pengguna",
        role="viewer",
    )
    # Another browser signed in: "Sesi Aktif" shows its "End this session" button.
    signed_in(vendor, user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile")
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, demo, SLUG, DEMO_VENDOR_NPWP, password_of(Role.VENDOR))
    page.wait_for_url(f"{demo}/{SLUG}/dasbor/")
    pages = {
        f"/{SLUG}/dasbor/": (),
        f"/{SLUG}/perusahaan/": (),
        f"/{SLUG}/perusahaan/pengguna/": ("#members", "#invitations"),
        f"/{SLUG}/perusahaan/kontak/": (),
        f"/{SLUG}/akun/sesi/": (".table-wrap",),
        f"/{SLUG}/akun/aktivitas-masuk/": (),
        f"/{SLUG}/akun/faktor-kedua/": (),
        f"/{SLUG}/bantuan/tiket/": (),
        f"/{SLUG}/perusahaan/tender/": (),
        f"/{SLUG}/perusahaan/tender/{tender_code('Rehabilitasi Gedung Kantor Utama')}/": (),
        f"/{SLUG}/tender/{tender_code('Pembangunan Pagar Keliling Kantor')}/ikut/": (),
    }
    try:
        found = visit(page, demo, pages)
        assert not found, "\n".join(found)
    finally:
        context.close()


def test_staff_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo: str):
    verifier = User.objects.get(portal__slug=SLUG, role=Role.VERIFIER)
    admin = User.objects.get(portal__slug=SLUG, role=Role.PORTAL_ADMIN)
    waiting = Registration.objects.get(
        company__portal__slug=SLUG, status=RegistrationStatus.SUBMITTED
    )
    ticket = Ticket.objects.get(portal__slug=SLUG)
    found = []
    for user, pages in [
        (
            verifier,
            {
                f"/{SLUG}/staf/verifikasi/": (),
                f"/{SLUG}/staf/verifikasi/{waiting.pk}/": (),
            },
        ),
        (
            admin,
            {
                f"/{SLUG}/staf/helpdesk/tiket/": (),
                f"/{SLUG}/staf/helpdesk/tiket/{ticket.number}/": (),
                f"/{SLUG}/staf/audit/": (),
                f"/{SLUG}/staf/helpdesk/kunci/": (),
                f"/{SLUG}/staf/helpdesk/pengguna/?q={DEMO_VENDOR_NPWP[:6]}": (),
                f"/{SLUG}/staf/pengumuman/": (),
                f"/{SLUG}/staf/pemeliharaan/": (),
                f"/{SLUG}/staf/pemeliharaan/gangguan/": (),
                f"/{SLUG}/staf/pengguna/": (),
                f"/{SLUG}/staf/pokja/": (),
                f"/{SLUG}/staf/pokja/{Pokja.objects.get(portal__slug=SLUG).pk}/": ("#members",),
                f"/{SLUG}/staf/pengaturan/tender/": (),
            },
        ),
    ]:
        context = phone_context(browser)
        page = context.new_page()
        try:
            staff_log_in(page, demo, user, password_of(user.role))
            found.extend(visit(page, demo, pages))
        finally:
            context.close()
    assert not found, "\n".join(found)


def test_officials_tender_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo: str):
    from inaproc.demo.tenders import OFFICIALS

    packages = {p.name: p.pk for p in Package.objects.filter(portal__slug=SLUG)}
    draft = packages["Pengadaan Kendaraan Operasional Roda Empat"]
    waiting = packages["Renovasi Gedung Arsip Lantai 2"]
    asking = packages["Rehabilitasi Gedung Kantor Utama"]
    staff = f"/{SLUG}/staf/paket/"
    found = []
    for key, pages in [
        (
            "ppk",
            {
                staff: (),
                f"{staff}baru/": (),
                f"{staff}{draft}/": (),
                f"{staff}{draft}/ubah/": (),
                f"{staff}{draft}/tugaskan/": (),
            },
        ),
        (
            "pokja1",
            {
                staff: (),
                f"{staff}{asking}/": (),
                f"{staff}{asking}/jadwal/": (),
                f"{staff}{asking}/publikasi/": (),
                f"{staff}{asking}/pertanyaan/": (),
                f"{staff}{asking}/adendum/": (),
                f"{staff}{asking}/batalkan/": (),
                f"{staff}{waiting}/publikasi/": (),
                f"{staff}{waiting}/dokumen/": (),
            },
        ),
    ]:
        official = next(o for o in OFFICIALS if o.key == key)
        user = User.objects.get(portal__slug=SLUG, username=official.username)
        context = phone_context(browser)
        page = context.new_page()
        try:
            staff_log_in(page, demo, user, official.password)
            found.extend(visit(page, demo, pages))
        finally:
            context.close()
    assert not found, "\n".join(found)
