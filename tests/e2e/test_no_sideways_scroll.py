"""On a phone (320 and 390 px wide) no page pans sideways, the buttons of the company users
and active sessions tables are on screen without scrolling, and axe finds nothing on the
pages at either width (issue 14, item 5).

The pages are those of the no-500 sweep (`PATHS` of tests/core/test_no_server_errors.py),
each opened by the person it is for, with the ids of that list replaced by those of real
objects where the demo data has one (a garbage token stays: its "link not valid" page is a
page too), and a few pages the sweep does not name. What is not a page (feeds, file
downloads, POST-only addresses, HTML fragments) is left out, by name, below.

One browser context per person, signed in once; each page is loaded once and measured at
both widths (the viewport is resized in place).
"""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from inaproc.accounts.models import Role, User
from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.demo.management.commands.load_demo import (
    DEMO_ACCOUNTS,
    DEMO_APPLICANTS,
    DEMO_VENDOR_NPWP,
)
from inaproc.helpdesk.models import Ticket, TicketCategory
from inaproc.helpdesk.services.tickets import TicketData, ticket_create
from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, Pokja
from inaproc.vendors.companies.selectors.changes import company_critical_values
from inaproc.vendors.companies.services.changes import change_request_submit
from inaproc.vendors.companies.services.invitations import invitation_create
from inaproc.vendors.models import (
    Company,
    CompanyMember,
    CompanyRole,
    Registration,
    RegistrationStatus,
)
from tests.core.test_no_server_errors import PATHS as SWEEP
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.test_accessibility import violations
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import signed_in
from tests.vendors.builders import register_sent_back

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


DEMO_USERNAMES = {a.username for a in DEMO_ACCOUNTS}


def password_of(role: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.portal == SLUG and a.role == role)


def phone_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(locale="id-ID", viewport=PHONES[0], is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context


# Who opens each page of the sweep, by URL name; a name not listed is a public page.
SIGNED_IN = ("vendor", "verifier", "helpdesk", "admin")
PEOPLE: dict[str, tuple[str, ...]] = {
    "accounts:dashboard": SIGNED_IN,
    "accounts:password_change": ("vendor",),
    "accounts:sessions": ("vendor",),
    "accounts:login_activity": ("vendor",),
    "vendors:status": ("applicant", "sent_back"),
    "vendors:resubmit": ("sent_back",),
    "vendors:company": ("vendor",),
    "vendors:members": ("vendor",),
    "vendors:member_invite": ("vendor",),
    "vendors:member_role": ("vendor",),
    "vendors:member_suspend": ("vendor",),
    "vendors:member_reactivate": ("vendor",),
    "vendors:member_remove": ("vendor",),
    "vendors:company_contact": ("vendor",),
    "vendors:company_email_change": ("vendor",),
    "vendors:change_request": ("vendor",),
    "vendors:queue": ("verifier",),
    "vendors:review": ("verifier",),
    "vendors:change_review": ("verifier",),
    "helpdesk_public:my_tickets": ("vendor",),
    "helpdesk_public:my_ticket": ("vendor",),
    "helpdesk:locks": ("helpdesk",),
    "helpdesk:user_search": ("helpdesk",),
    "helpdesk:user_activity": ("helpdesk",),
    "helpdesk:queue": ("helpdesk",),
    "helpdesk:ticket": ("helpdesk",),
    "announcements:staff_list": ("admin",),
    "announcements:staff_create": ("admin",),
    "announcements:staff_update": ("admin",),
    "announcements:staff_delete": ("admin",),
    "announcements:maintenance": ("admin",),
}
# What the sweep names that is not a page to look at.
NOT_PAGES = {
    "accounts:logout": "ends the session",
    "accounts:session_end": "POST only",
    "accounts:sessions_end_others": "POST only",
    "helpdesk:unlock": "POST only",
    "helpdesk:ticket_reply": "POST only",
    "helpdesk:ticket_status": "POST only",
    "helpdesk:ticket_account": "POST only",
    "vendors:resend_confirmation": "POST only",
    "vendors:invitation_revoke": "POST only",
    "vendors:invitation_resend": "POST only",
    "announcements:maintenance_cancel": "POST only",
    "announcements:rss": "a feed",
    "announcements:atom": "a feed",
    "vendors:document": "a file",
    "helpdesk_public:ticket_attachment": "a file",
}
# Pages the sweep does not name, by person.
EXTRA: dict[str, list[str]] = {
    "anonymous": ["/", f"/{SLUG}/", f"/{SLUG}/pendaftaran/kbli/?q=konstruksi"],
    "vendor": [f"/{SLUG}/akun/faktor-kedua/"],
    "helpdesk": [f"/{SLUG}/staf/helpdesk/pengguna/?q={DEMO_VENDOR_NPWP[:6]}"],
    "admin": [f"/{SLUG}/staf/audit/"],
}
# Tables whose links and buttons must be on screen without scrolling, by page.
TABLES = {
    f"/{SLUG}/perusahaan/pengguna/": ("#members", "#invitations"),
    f"/{SLUG}/akun/sesi/": (".table-wrap",),
}


def sweep_pages(person: str, ids: dict[str, dict]) -> list[str]:
    """The sweep's pages for `person`, with real ids where `ids` (by URL name) has them;
    a page with a query string also without it (the page itself, not only its odd
    input); the KBLI search as a page rather than its fragment."""
    pages = []
    for path in SWEEP:
        address, _, query = f"/{SLUG}/{path}".partition("?")
        match = resolve(address)
        if match.view_name in NOT_PAGES or person not in PEOPLE.get(
            match.view_name, ("anonymous",)
        ):
            continue
        if match.view_name in ids:
            address = reverse(match.view_name, kwargs={**match.kwargs, **ids[match.view_name]})
        query = "&".join(part for part in query.split("&") if part != "fragment=1")
        pages.extend([address, f"{address}?{query}"] if query else [address])
    return list(dict.fromkeys([*pages, *EXTRA.get(person, [])]))


def problems_on(page: Page, base: str, path: str, seen: set[str]) -> list[str]:
    """What is wrong with `path` at each phone width: sideways panning (with the elements
    that cause it), links or buttons of its tables beyond the screen's right edge, and
    axe's violations. Nothing when it led to a page in `seen` (several addresses lead to
    the same page: a missing object's 404 page, the login page, a link's page once its
    token is set aside); `seen` grows by the page."""
    page.set_viewport_size(PHONES[0])
    response = page.goto(base + path)
    assert response is not None and response.status < 500, (path, response and response.status)
    landed = page.url.removeprefix(base)
    if landed.startswith(f"/{SLUG}/masuk/?") and not path.startswith(f"/{SLUG}/masuk/"):
        return [f"{path}: asks to sign in: list the person it is for in PEOPLE"]
    if landed in seen:
        return []
    seen.update({path, landed})
    if not response.headers.get("content-type", "").startswith("text/html") or not (
        page.locator("main").count()
    ):
        return [f"{path}: not a page ({response.status}): list it in NOT_PAGES"]
    found = []
    for size in PHONES:
        page.set_viewport_size(size)
        where = f"{path} at {size['width']} px"
        if (pans := page.evaluate(PANS)) > 0:
            found.append(f"{where}: pans {pans} px ({', '.join(page.evaluate(WIDEST))})")
        for table in TABLES.get(urlsplit(page.url).path, ()):
            if off_screen := page.evaluate(OFF_SCREEN_CONTROLS, table):
                found.append(f"{where}: off screen in {table}: {off_screen}")
        found.extend(f"{where}: {violation}" for violation in violations(page))
    return found


def visit(page: Page, base: str, paths: list[str]) -> list[str]:
    """`problems_on` each of `paths`, each page once."""
    seen: set[str] = set()
    return [
        problem
        for path in paths
        if path not in seen
        for problem in problems_on(page, base, path, seen)
    ]


@pytest.fixture
def demo(live_server):
    """The demo data, and what the sweep's pages need besides: another signed-in browser
    of the vendor (its "End this session" button), an invitation with a long address, a
    ticket of the vendor, a change request waiting, a registration sent back."""
    call_command("load_demo", force=True, stdout=io.StringIO())
    portal = Portal.objects.get(slug=SLUG)
    vendor = User.objects.get(portal=portal, username=DEMO_VENDOR_NPWP)
    company = Company.objects.get(members__user=vendor)
    invitation = invitation_create(
        company=company,
        actor=vendor,
        email="calon.pengguna.dengan.alamat.yang.panjang@majubersama.example.id",
        full_name="Calon Pengguna",
        role="viewer",
    )
    signed_in(vendor, user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile")
    own_ticket = ticket_create(
        portal=portal,
        data=TicketData(
            category=TicketCategory.LOGIN,
            name=vendor.full_name,
            npwp=DEMO_VENDOR_NPWP,
            email=vendor.email,
            occurred_at=timezone.now(),
            description="Kode masuk tidak sampai ke email perusahaan kami sejak pagi ini.",
        ),
        requester=vendor,
        uploads=[],
    )
    change = change_request_submit(
        company_id=company.pk,
        portal=portal,
        user=vendor,
        data={**company_critical_values(company), "name": "PT Maju Bersama Sejahtera"},
        uploads=[],
    )
    register_sent_back(
        portal, notes={"city": "Kota tidak sesuai dengan NIB."}, username="dikembalikan"
    )
    member = CompanyMember.objects.filter(company=company).exclude(role=CompanyRole.ADMIN)
    waiting = Registration.objects.get(portal=portal, status=RegistrationStatus.SUBMITTED)
    announcement = Announcement.objects.filter(portal=portal).first()
    ids = {
        "helpdesk:user_activity": {"user_id": vendor.pk},
        "vendors:review": {"registration_id": waiting.pk},
        "vendors:change_review": {"change_id": change.pk},
        "announcements:detail": {"pk": announcement.pk},
        "announcements:staff_update": {"pk": announcement.pk},
        "announcements:staff_delete": {"pk": announcement.pk},
        "announcements:maintenance_cancel": {
            "pk": MaintenanceWindow.objects.filter(portal=portal).first().pk
        },
        "helpdesk_public:my_ticket": {"number": own_ticket.number},
        "vendors:invitation_revoke": {"invitation_id": invitation.pk},
        "vendors:invitation_resend": {"invitation_id": invitation.pk},
        **{
            f"vendors:member_{action}": {"member_id": member.first().pk}
            for action in ("role", "suspend", "reactivate", "remove")
        },
        **{
            f"helpdesk:{name}": {"number": Ticket.objects.get(portal=portal, requester=None).number}
            for name in ("ticket", "ticket_reply", "ticket_status", "ticket_account")
        },
    }
    return live_server.url, ids


def test_public_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo):
    base, ids = demo
    context = phone_context(browser)
    page = context.new_page()
    try:
        found = visit(page, base, sweep_pages("anonymous", ids))
        assert not found, "\n".join(found)
    finally:
        context.close()


def test_a_vendors_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo):
    """The company's administrator, and two applicants on their registration's status
    page: one whose email is unconfirmed, one the verifiers sent back for changes."""
    base, ids = demo
    applicant = next(a for a in DEMO_APPLICANTS if a.username == "karyadigital")
    found = []
    for person, username, password in [
        ("vendor", DEMO_VENDOR_NPWP, password_of(Role.VENDOR)),
        ("applicant", applicant.username, applicant.password),
        ("sent_back", "dikembalikan", DEFAULT_PASSWORD),
    ]:
        context = phone_context(browser)
        page = context.new_page()
        try:
            log_in(page, base, SLUG, username, password)
            page.wait_for_url(lambda url: "/masuk/" not in url)
            found.extend(visit(page, base, sweep_pages(person, ids)))
        finally:
            context.close()
    assert not found, "\n".join(found)


def test_staff_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo):
    base, ids = demo
    found = []
    for person, role in [
        ("verifier", Role.VERIFIER),
        ("helpdesk", Role.HELPDESK),
        ("admin", Role.PORTAL_ADMIN),
    ]:
        user = User.objects.get(portal__slug=SLUG, role=role, username__in=DEMO_USERNAMES)
        context = phone_context(browser)
        page = context.new_page()
        try:
            staff_log_in(page, base, user, password_of(role))
            found.extend(visit(page, base, sweep_pages(person, ids)))
        finally:
            context.close()
    assert not found, "\n".join(found)


def test_the_lists_above_name_only_pages_of_the_sweep():
    """A page that leaves the sweep leaves these lists too (no stale name hides a gap)."""
    names = {resolve(f"/{SLUG}/{path}".partition("?")[0]).view_name for path in SWEEP}
    assert set(PEOPLE) - names == set()
    assert set(NOT_PAGES) - names == set()


TABLETS = [641, 700, 768, 834, 900, 1024, 1100, 1280]
# The regions of a page that scroll sideways: a table wider than its region.
SCROLLING_REGIONS = """() => [...document.querySelectorAll('.table-wrap')]
  .filter((region) => region.scrollWidth > region.clientWidth)
  .map((region) => region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'))"""


def test_the_company_users_fit_at_tablet_widths(browser: Browser, demo):
    """Between a phone and a desktop (641–1100 px) the company's users and invitations,
    and the sessions, fit their regions: nothing to scroll sideways there either."""
    base, _ = demo
    context = phone_context(browser)
    page = context.new_page()
    found = []
    try:
        log_in(page, base, SLUG, DEMO_VENDOR_NPWP, password_of(Role.VENDOR))
        page.wait_for_url(f"{base}/{SLUG}/dasbor/")
        for path in (f"/{SLUG}/perusahaan/pengguna/", f"/{SLUG}/akun/sesi/"):
            page.goto(base + path)
            for width in TABLETS:
                page.set_viewport_size({"width": width, "height": 1000})
                if scrolling := page.evaluate(SCROLLING_REGIONS):
                    found.append(f"{path} at {width} px: {scrolling} scroll sideways")
                if (pans := page.evaluate(PANS)) > 0:
                    found.append(f"{path} at {width} px: pans {pans} px")
        assert not found, "\n".join(found)
    finally:
        context.close()


def test_tender_pages_do_not_pan_sideways_on_a_phone(browser: Browser, demo):
    """Issue 12's pages, which the no-500 sweep (`PATHS`) does not list: the public tender
    pages, the vendor's, the portal admin's and the officials', on the demo tenders."""
    from inaproc.demo.tenders import OFFICIALS

    base, _ids = demo
    packages = {p.name: p for p in Package.objects.filter(portal__slug=SLUG)}
    draft = packages["Pengadaan Kendaraan Operasional Roda Empat"].pk
    waiting = packages["Renovasi Gedung Arsip Lantai 2"].pk
    asking = packages["Rehabilitasi Gedung Kantor Utama"]
    announced = packages["Pembangunan Pagar Keliling Kantor"]
    staff = f"/{SLUG}/staf/paket/"
    pokja = Pokja.objects.get(portal__slug=SLUG)
    people = [
        (
            None,
            "",
            [
                f"/{SLUG}/tender/",
                f"/{SLUG}/tender/?q=gedung&jenis=konstruksi",
                f"/{SLUG}/tender/{asking.code}/",
                f"/{SLUG}/tender/{asking.code}/jadwal/",
            ],
        ),
        (
            DEMO_VENDOR_NPWP,
            password_of(Role.VENDOR),
            [
                f"/{SLUG}/perusahaan/tender/",
                f"/{SLUG}/perusahaan/tender/{asking.code}/",
                f"/{SLUG}/tender/{announced.code}/ikut/",
            ],
        ),
        (
            "admin",
            password_of(Role.PORTAL_ADMIN),
            [
                f"/{SLUG}/staf/pengguna/",
                f"/{SLUG}/staf/pokja/",
                f"/{SLUG}/staf/pokja/{pokja.pk}/",
                f"/{SLUG}/staf/pengaturan/tender/",
                f"/{SLUG}/staf/pemeliharaan/gangguan/",
            ],
        ),
        *(
            (official.username, official.password, paths)
            for official, paths in [
                (
                    next(o for o in OFFICIALS if o.key == "ppk"),
                    [staff, f"{staff}baru/", f"{staff}{draft}/", f"{staff}{draft}/ubah/"]
                    + [f"{staff}{draft}/tugaskan/"],
                ),
                (
                    next(o for o in OFFICIALS if o.key == "pokja1"),
                    [
                        staff,
                        f"{staff}{asking.pk}/",
                        f"{staff}{asking.pk}/jadwal/",
                        f"{staff}{asking.pk}/publikasi/",
                        f"{staff}{asking.pk}/pertanyaan/",
                        f"{staff}{asking.pk}/adendum/",
                        f"{staff}{asking.pk}/batalkan/",
                        f"{staff}{waiting}/publikasi/",
                        f"{staff}{waiting}/dokumen/",
                    ],
                ),
            ]
        ),
    ]
    found = []
    for username, password, paths in people:
        context = phone_context(browser)
        page = context.new_page()
        try:
            if username == DEMO_VENDOR_NPWP:
                log_in(page, base, SLUG, username, password)
                page.wait_for_url(lambda url: "/masuk/" not in url)
            elif username:
                user = User.objects.get(portal__slug=SLUG, username=username)
                staff_log_in(page, base, user, password)
            found.extend(visit(page, base, paths))
        finally:
            context.close()
    assert not found, "\n".join(found)
