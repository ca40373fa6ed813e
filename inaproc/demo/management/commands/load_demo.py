"""Demo data for `make run`: two portals, their staff and one vendor on both, with its
approved company; on the first portal also a registration waiting for verification and
one waiting for its email confirmation; on both, announcements, an upcoming maintenance
window, a helpdesk ticket, a delegated user of the vendor's company and a licence that
expires soon (inaproc.demo.extras).

Idempotent: running it again resets the demo accounts to the printed passwords and leaves
the registrations as they are (decisions taken while trying the demo stay). Staff get no
second factor here: as in production, their first sign-in walks them through enrolment;
factors set up while trying the demo stay too. Registrations
go through the registration and verification services, so their emails are queued too.
The passwords are public, so without `--force` the command refuses to run where
DEBUG is off or where the database already holds other portals.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from inaproc.accounts.models import Role, User
from inaproc.accounts.services import user_create, user_set_password
from inaproc.core.commands import validation_error_to_command_error
from inaproc.demo.extras import STAFF_MEMBER, demo_extras_load
from inaproc.demo.registrations import (
    BINA_KARYA,
    CAHAYA_TEKNIK,
    KARYA_DIGITAL,
    MAJU_BERSAMA,
    SINAR_TERANG,
    demo_register,
)
from inaproc.demo.tenders import (
    OFFICIALS,
    OPENING_PL,
    OPENING_TENDER,
    POKJA_NAME,
    demo_tenders_load,
)
from inaproc.opendata.services import releases_backfill
from inaproc.portals.models import Portal
from inaproc.portals.services import portal_create
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import CompanyMember, CompanyRole, RegistrationStatus

# The same company NPWP registered on both portals (16-digit form of 01.234.567.4-101.000).
DEMO_VENDOR_NPWP = "0012345674101000"


@dataclass(frozen=True)
class DemoAccount:
    """An account with a printed password. A vendor account registers `company` through
    the registration services and is taken as far as `status`; staff have no company."""

    portal: str
    role: str
    username: str
    email: str
    full_name: str
    password: str
    company: dict | None = None
    status: str = RegistrationStatus.APPROVED
    extra_documents: tuple[str, ...] = ()


def _vendor(
    portal: str, company: dict, username: str, password: str, **registration: object
) -> DemoAccount:
    return DemoAccount(
        portal,
        Role.VENDOR,
        username,
        company["email"],
        company["representative_name"],
        password,
        company,
        **registration,  # type: ignore[arg-type]
    )


DEMO_PORTALS = [
    {
        "slug": "kemenkeu",
        "name": "LPSE Kementerian Keuangan",
        "institution": "Kementerian Keuangan Republik Indonesia",
        "helpdesk_phone": "(021) 3449230",
        "helpdesk_email": "helpdesk.lpse@kemenkeu.example.id",
        "helpdesk_hours": "Senin–Jumat 08.00–16.00 WIB",
        "helpdesk_address": "Jl. Dr. Wahidin Raya No. 1\nJakarta Pusat 10710",
    },
    {
        "slug": "surabaya",
        "name": "LPSE Kota Surabaya",
        "institution": "Pemerintah Kota Surabaya",
        "helpdesk_phone": "(031) 5312144",
        "helpdesk_email": "lpse@surabaya.example.id",
        "helpdesk_hours": "Senin–Jumat 07.30–15.30 WIB",
        "helpdesk_address": "Jl. Jimerto No. 25–27\nSurabaya 60272",
    },
]

DEMO_ACCOUNTS = [
    DemoAccount(
        "kemenkeu",
        Role.VERIFIER,
        "verifikator",
        "verifikator@kemenkeu.example.id",
        "Siti Rahmawati",
        "melati-biru-pagi-hari-42",
    ),
    DemoAccount(
        "kemenkeu",
        Role.HELPDESK,
        "helpdesk",
        "helpdesk@kemenkeu.example.id",
        "Budi Santoso",
        "kopi-tubruk-di-teras-rumah-7",
    ),
    DemoAccount(
        "kemenkeu",
        Role.PORTAL_ADMIN,
        "admin",
        "admin@kemenkeu.example.id",
        "Dewi Lestari",
        "gunung-merapi-di-kala-senja-3",
    ),
    _vendor(
        "kemenkeu",
        MAJU_BERSAMA,
        DEMO_VENDOR_NPWP,
        "sawah-hijau-membentang-luas-9",
        extra_documents=(DocumentKind.BUSINESS_LICENCE,),
    ),
    # With the demo vendor, the three bidders of the tender in its opening stage
    # (inaproc.demo.tenders).
    _vendor("kemenkeu", BINA_KARYA, "binakarya", "batik-parang-di-pasar-klewer-6"),
    _vendor("kemenkeu", CAHAYA_TEKNIK, "cahayateknik", "angklung-bambu-di-saung-sore-4"),
    DemoAccount(
        "surabaya",
        Role.VERIFIER,
        "verifikator",
        "verifikator@surabaya.example.id",
        "Agus Prasetyo",
        "jembatan-merah-sore-itu-15",
    ),
    DemoAccount(
        "surabaya",
        Role.HELPDESK,
        "helpdesk",
        "helpdesk@surabaya.example.id",
        "Rina Wulandari",
        "rujak-cingur-pedas-manis-8",
    ),
    DemoAccount(
        "surabaya",
        Role.PORTAL_ADMIN,
        "admin",
        "admin@surabaya.example.id",
        "Hendra Wijaya",
        "tugu-pahlawan-berdiri-tegak-4",
    ),
    _vendor(
        "surabaya",
        MAJU_BERSAMA,
        DEMO_VENDOR_NPWP,
        "perahu-layar-di-selat-madura-6",
        extra_documents=(DocumentKind.BUSINESS_LICENCE,),
    ),
    _vendor("surabaya", BINA_KARYA, "binakarya", "lontong-balap-di-wonokromo-3"),
    _vendor("surabaya", CAHAYA_TEKNIK, "cahayateknik", "kapal-feri-ke-pulau-madura-8"),
]


# Vendors still registering on the first portal (not yet able to sign in fully).
DEMO_APPLICANTS = [
    _vendor(
        "kemenkeu",
        SINAR_TERANG,
        SINAR_TERANG["npwp"],
        "lampu-taman-menyala-benderang-5",
        status=RegistrationStatus.SUBMITTED,
    ),
    _vendor(
        "kemenkeu",
        KARYA_DIGITAL,
        "karyadigital",
        "awan-putih-di-atas-monas-8",
        status=RegistrationStatus.EMAIL_UNCONFIRMED,
    ),
]


def demo_bidders(slug: str) -> list[DemoAccount]:
    """The approved companies of a portal other than the demo vendor's."""
    return [
        a
        for a in DEMO_ACCOUNTS
        if a.portal == slug and a.company is not None and a.username != DEMO_VENDOR_NPWP
    ]


class Command(BaseCommand):
    help = "Load (or reset) the demo portals and accounts and print their credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though DEBUG is off (never in production)",
        )

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not force:
            self._refuse_unless_throwaway_database()
        with transaction.atomic():
            portals = {spec["slug"]: self._portal(spec) for spec in DEMO_PORTALS}
            users = {
                (account.portal, account.role): self._account(portals[account.portal], account)
                for account in DEMO_ACCOUNTS
                if account.role != Role.VENDOR
            }
            for account in (*DEMO_ACCOUNTS, *DEMO_APPLICANTS):
                if account.company is not None:
                    portal = portals[account.portal]
                    verifier = users[(portal.slug, Role.VERIFIER)]
                    self._registration(portal, account, account.company, verifier=verifier)
            for slug, portal in portals.items():
                vendor = User.objects.filter(portal=portal, username=DEMO_VENDOR_NPWP).first()
                demo_extras_load(
                    portal=portal, admin=users[(slug, Role.PORTAL_ADMIN)], vendor=vendor
                )
                bidders = [
                    User.objects.get(portal=portal, username=account.username)
                    for account in demo_bidders(slug)
                ]
                demo_tenders_load(
                    portal=portal,
                    admin=users[(slug, Role.PORTAL_ADMIN)],
                    vendor=vendor,
                    bidders=bidders,
                )
            # The demo writes most tenders as they stand: give them their OCDS releases.
            releases_backfill()
        self._print(portals)

    @staticmethod
    def _refuse_unless_throwaway_database() -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts have public passwords: refusing to load them with DEBUG off. "
                "Use --force only on a throw-away database."
            )
        demo_slugs = [spec["slug"] for spec in DEMO_PORTALS]
        if Portal.objects.exclude(slug__in=demo_slugs).exists():
            raise CommandError(
                "This database holds portals that are not demo portals: refusing to add "
                "accounts with public passwords. Use --force only on a throw-away database."
            )

    @staticmethod
    def _portal(spec: dict[str, str]) -> Portal:
        existing = Portal.objects.filter(slug=spec["slug"]).first()
        return existing or portal_create(**spec)

    @staticmethod
    def _account(portal: Portal, account: DemoAccount) -> User:
        user = User.objects.filter(portal=portal, username__iexact=account.username).first()
        if user is None:
            return user_create(
                portal=portal,
                role=account.role,
                username=account.username,
                email=account.email,
                full_name=account.full_name,
                password=account.password,
                notify=False,
            )
        if not user.check_password(account.password):
            user_set_password(user=user, password=account.password)
        return user

    @classmethod
    def _registration(
        cls, portal: Portal, account: DemoAccount, company: dict, *, verifier: User
    ) -> None:
        """Register the demo vendor through the services unless it is there already
        (then only its password is reset)."""
        user = User.objects.filter(portal=portal, username__iexact=account.username).first()
        if (
            user is not None
            and user.role == Role.VENDOR
            and not CompanyMember.objects.filter(user=user).exists()
        ):
            # A vendor account of a demo database loaded before registrations existed.
            user.delete()
            user = None
        if user is not None:
            cls._account(portal, account)
            return
        try:
            demo_register(
                portal=portal,
                username=account.username,
                password=account.password,
                company=company,
                status=account.status,
                verifier=verifier,
                extra_documents=account.extra_documents,
            )
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error

    def _print_account(self, account: DemoAccount) -> None:
        label = str(Role(account.role).label)
        note = ""
        if account.company is not None:
            status = RegistrationStatus(account.status)
            state = "" if status == RegistrationStatus.APPROVED else f": {status.label}"
            note = f"   ({account.company['name']}{state})"
        self.stdout.write(f"    {label:<22} {account.username:<18} {account.password}{note}")

    def _print(self, portals: dict[str, Portal]) -> None:
        heading = "\nDemo data is ready. Accounts (username / password):"
        self.stdout.write(self.style.SUCCESS(heading))
        for slug, portal in portals.items():
            login = portal_absolute_url(portal, "accounts:login")
            self.stdout.write(f"\n  {portal.name} — {login}")
            for account in (a for a in DEMO_ACCOUNTS if a.portal == slug):
                self._print_account(account)
            for official in OFFICIALS:
                label = Role(official.role).label.split(" (")[0]
                note = f"   ({POKJA_NAME})" if official.role == Role.POKJA else ""
                self.stdout.write(
                    f"    {label:<22} {official.username:<18} {official.password}{note}"
                )
            staff = STAFF_MEMBER
            self.stdout.write(
                f"    {CompanyRole.BID_PREPARER.label:<22} {staff['username']:<18} "
                f"{staff['password']}   ({MAJU_BERSAMA['name']})"
            )
            for account in (a for a in DEMO_APPLICANTS if a.portal == slug):
                self._print_account(account)
        self.stdout.write(
            "\n  The vendor NPWP 01.234.567.4-101.000 is registered on both portals, "
            "each with its own password."
            "\n  The vendors still registering sign in to see their registration's status; "
            "the verifier's queue shows the one waiting for verification."
            "\n  Staff accounts have no second factor yet: as in production, their first "
            "sign-in walks them through setting up an authenticator app (any TOTP app, "
            "or see README.md) or a passkey before anything else. Second factors set up "
            "while trying the demo are kept when this command runs again."
            f"\n  The Pokja members' and the Pejabat Pengadaan's opening key files (to open "
            f"sealed bids; passphrase: the official's password) are in {settings.DEMO_KEY_DIR}/"
            "<portal>-<username>.inpkey."
            f'\n  From opening to contract: the tender "{OPENING_TENDER}" is in its opening '
            f"stage with the sealed bids of {MAJU_BERSAMA['name']}, {BINA_KARYA['name']} and "
            f'{CAHAYA_TEKNIK["name"]}; the Pengadaan Langsung "{OPENING_PL}" with the '
            'sealed bid of the invited demo vendor (docs/tenders.md, "Trying it on the demo").\n'
        )
