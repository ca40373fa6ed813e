"""Demo content of issue 5 on a portal, made through the services: announcements, an
upcoming maintenance window, a helpdesk ticket opened without an account, a delegated
user of the demo vendor's company and a licence that expires soon. Each part is added
only when the portal has none of its kind yet, so running `load_demo` again keeps what
was changed while trying the demo."""

from datetime import timedelta

from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.accounts.services import user_create, user_set_password
from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.announcements.services import announcement_create, maintenance_schedule
from inaproc.helpdesk.models import Ticket, TicketCategory
from inaproc.helpdesk.services.tickets import TicketData, ticket_create
from inaproc.portals.models import Portal
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import Company, CompanyMember, CompanyRole, Document

# Demo content, in the portal's language (not interface text).
ANNOUNCEMENTS = [
    {
        "title": "Selamat datang di portal pengadaan elektronik",
        "body": (
            "Penyedia dapat **mendaftar** secara daring, mengunggah dokumen legalitas dan "
            "mengikuti proses verifikasi.\n\n"
            "- Gunakan NPWP perusahaan sebagai nama pengguna.\n"
            "- Aktifkan faktor kedua di menu *Akun*.\n\n"
            "Butuh bantuan? Buka [halaman Helpdesk](bantuan/)."
        ),
        "pinned": True,
        "days_ago": 30,
    },
    {
        "title": "Pembaruan data perusahaan kini dapat diajukan sendiri",
        "body": (
            "Administrator perusahaan dapat mengubah kontak secara langsung dan mengajukan "
            "perubahan data penting (nama, NPWP, akta, KBLI) untuk diverifikasi."
        ),
        "pinned": False,
        "days_ago": 2,
    },
]
MAINTENANCE_MESSAGE = (
    "Pemeliharaan server basis data. Selama jendela ini portal tidak dapat diakses oleh "
    "penyedia dan publik."
)
STAFF_MEMBER = {
    "username": "maju.staf",
    "email": "staf@majubersama.example.id",
    "full_name": "Rudi Hartono",
    "password": "kereta-api-malam-ke-bandung-2",
}
TICKET_DESCRIPTION = (
    "Akun kami terkunci setelah beberapa kali salah memasukkan kata sandi, padahal besok "
    "batas akhir pendaftaran. Mohon dibantu."
)


def demo_extras_load(*, portal: Portal, admin: User, vendor: User | None) -> None:
    _announcements(portal, admin)
    _maintenance(portal, admin)
    _ticket(portal)
    company = Company.objects.filter(members__user=vendor).first() if vendor else None
    if company is not None:
        _staff_member(company, vendor)
        _expiring_licence(company)


def _announcements(portal: Portal, admin: User) -> None:
    if Announcement.objects.filter(portal=portal).exists():
        return
    now = timezone.now()
    for spec in ANNOUNCEMENTS:
        body = spec["body"].replace("(bantuan/)", f"({portal.get_absolute_url()}bantuan/)")
        announcement_create(
            portal=portal,
            actor=admin,
            values={
                "title": spec["title"],
                "body": body,
                "publish_at": now - timedelta(days=spec["days_ago"]),
                "end_at": None,
                "pinned": spec["pinned"],
            },
        )


def _maintenance(portal: Portal, admin: User) -> None:
    now = timezone.now()
    if MaintenanceWindow.objects.filter(portal=portal, ends_at__gt=now).exists():
        return
    # In five days, 22.00–24.00 WIB; the banner shows from now on.
    day = timezone.localtime(now).replace(hour=22, minute=0, second=0, microsecond=0)
    starts_at = day + timedelta(days=5)
    maintenance_schedule(
        portal=portal,
        actor=admin,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        notice_from=now,
        message=MAINTENANCE_MESSAGE,
    )


def _ticket(portal: Portal) -> None:
    if Ticket.objects.filter(portal=portal).exists():
        return
    ticket_create(
        portal=portal,
        data=TicketData(
            category=TicketCategory.LOGIN,
            name="Andi Wijaya",
            npwp="",
            email="andi@pelanggan.example.id",
            occurred_at=timezone.now() - timedelta(hours=3),
            description=TICKET_DESCRIPTION,
        ),
        requester=None,
        uploads=[],
    )


def _staff_member(company: Company, vendor: User) -> None:
    """A bid preparer of the company, as an accepted invitation leaves it."""
    existing = User.objects.filter(
        portal=company.portal, username__iexact=STAFF_MEMBER["username"]
    ).first()
    if existing is not None:
        if not existing.check_password(STAFF_MEMBER["password"]):
            user_set_password(user=existing, password=STAFF_MEMBER["password"])
        return
    user = user_create(
        portal=company.portal,
        role=Role.VENDOR,
        username=STAFF_MEMBER["username"],
        email=STAFF_MEMBER["email"],
        full_name=STAFF_MEMBER["full_name"],
        password=STAFF_MEMBER["password"],
        notify=False,
    )
    CompanyMember.objects.create(
        company=company, user=user, role=CompanyRole.BID_PREPARER, invited_by=vendor
    )


def _expiring_licence(company: Company) -> None:
    """The demo licence ends in three weeks: the dashboard warns about it."""
    licence = (
        Document.objects.filter(
            company=company, kind=DocumentKind.BUSINESS_LICENCE, removed_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if licence is not None and licence.valid_until is None:
        licence.valid_until = timezone.localdate() + timedelta(days=21)
        licence.save(update_fields=["valid_until"])
