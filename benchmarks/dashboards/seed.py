"""The signed-in people of the dashboards benchmark and what their pages show, in the
benchmark database (run by run.py and cpu.py in a process with the benchmark's
environment; idempotent: a second run reuses the data and opens new sessions).

On the portal `dash`: TENDERS tenders (`generate_tenders`: its PPK owns them all, its
Pokja runs the tenders, three Pokja members added here), VENDORS vendors of approved
companies (bulk, as benchmarks/bid_burst makes them), each in PARTICIPATIONS tenders
with a submitted bid in half of them and LOGIN_ROWS rows of login activity;
PENDING registrations waiting for the verifiers; TICKETS helpdesk tickets (a third
open). Staff have an authenticator app and sessions whose second factor was checked,
as after a real sign-in.

Prints one JSON object: the portal's session cookie name ("cookie") and the pages
("pages": {label: [path, [session keys]]}, the first the bare view, without a session).
"""

from __future__ import annotations

import importlib.util
import json
import random
import secrets
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTAL_SLUG = "dash"
TENDERS = 600
VENDORS = 200
PARTICIPATIONS = 12
LOGIN_ROWS = 40
PENDING = 120
TICKETS = 300
STAFF = {"verifier": 3, "helpdesk": 3, "pokja": 3}


def _bid_burst():
    """benchmarks/bid_burst/run.py, for its bulk vendors and sessions (not a package)."""
    spec = importlib.util.spec_from_file_location(
        "benchmarks_bid_burst_run", ROOT / "benchmarks" / "bid_burst" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


burst = _bid_burst()


def staff_ensure(portal, role: str, prefix: str, count: int) -> list:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from inaproc.accounts.models import User
    from inaproc.accounts.services import user_create

    users = []
    for n in range(1, count + 1):
        username = f"{prefix}{n}"
        user = User.objects.filter(portal=portal, username=username).first() or user_create(
            portal=portal,
            role=role,
            username=username,
            email=f"{username}@dash-bench.example.id",
            full_name=f"Petugas {prefix.title()} {n}",
            password=secrets.token_urlsafe(24),
            notify=False,
        )
        TOTPDevice.objects.get_or_create(
            user=user,
            name="authenticator",
            defaults={"confirmed": True, "tolerance": 1, "step": 30, "digits": 6},
        )
        users.append(user)
    return users


def tenders_ensure(portal) -> None:
    from django.core.management import call_command

    from inaproc.tenders.models import Package

    if not Package.objects.filter(portal=portal).exists():
        call_command("generate_tenders", TENDERS, portal=[PORTAL_SLUG], force=True, verbosity=0)


def pokja_members_ensure(portal, members: list) -> None:
    from inaproc.tenders.models import Pokja, PokjaMember

    pokja = Pokja.objects.get(portal=portal, name="Pokja Pemilihan (generated)")
    for index, user in enumerate(members):
        PokjaMember.objects.get_or_create(pokja=pokja, user=user, defaults={"is_chair": not index})


def vendor_activity_ensure(portal, vendors: list) -> None:
    """Participations (a submitted bid in every other one) and login activity."""
    from django.utils import timezone

    from inaproc.accounts.models import LoginAttempt
    from inaproc.bids.models import BidVersion
    from inaproc.tenders.models import Package, Participation

    if Participation.objects.filter(package__portal=portal).exists():
        return
    rng = random.Random(15)
    now = timezone.now()
    packages = list(Package.objects.public().filter(portal=portal).values_list("pk", flat=True))
    rows = []
    for vendor in vendors:
        for package_id in rng.sample(packages, PARTICIPATIONS):
            rows.append(
                Participation(
                    package_id=package_id,
                    company_id=vendor.company_id,
                    joined_by_id=vendor.user_id,
                    integrity_pact_agreed_at=now,
                )
            )
    rows = Participation.objects.bulk_create(rows)
    BidVersion.objects.bulk_create(
        BidVersion(
            participation=row,
            number=1,
            submitted_by_id=row.joined_by_id,
            submitted_at=now - timedelta(days=rng.randint(1, 60)),
            log_index=index,
            receipt={},
            receipt_sha256="0" * 64,
        )
        for index, row in enumerate(rows[::2])
    )
    LoginAttempt.objects.bulk_create(
        LoginAttempt(
            portal=portal,
            user_id=vendor.user_id,
            username_key=vendor.npwp,
            outcome=rng.choice(["success"] * 4 + ["wrong_credentials"]),
            ip_address=f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            user_agent=burst.login.USER_AGENT,
            browser="Firefox",
            operating_system="Linux",
            created_at=now - timedelta(hours=rng.randint(1, 24 * 90)),
        )
        for vendor in vendors
        for _ in range(LOGIN_ROWS)
    )


def emails_confirmed(portal) -> None:
    """As in life, an approved registration's applicant confirmed their address (the
    dashboard's ticket panel checks it; bid_burst's bulk rows leave it empty)."""
    from django.utils import timezone

    from inaproc.vendors.models import Registration

    Registration.objects.filter(portal=portal, email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()
    )


def pending_ensure(portal) -> None:
    """PENDING vendors whose registration waits for a verifier (bulk, like the others)."""
    from django.utils import timezone

    from inaproc.vendors.models import Registration, RegistrationStatus

    vendors = burst.vendors_ensure(portal, VENDORS + PENDING)[VENDORS:]
    Registration.objects.filter(
        company_id__in=[v.company_id for v in vendors], status=RegistrationStatus.APPROVED
    ).update(status=RegistrationStatus.SUBMITTED, queued_at=timezone.now())


def tickets_ensure(portal) -> None:
    from django.utils import timezone

    from inaproc.helpdesk.models import Ticket, TicketStatus

    if Ticket.objects.filter(portal=portal).exists():
        return
    now = timezone.now()
    statuses = [TicketStatus.OPEN] + [s for s in TicketStatus.values if s != TicketStatus.OPEN]
    Ticket.objects.bulk_create(
        Ticket(
            portal=portal,
            number=n,
            category="login",
            status=statuses[n % len(statuses)] if n % 3 else TicketStatus.OPEN,
            name=f"Pelapor {n}",
            email=f"pelapor{n}@dash-bench.example.id",
            occurred_at=now - timedelta(days=n % 30),
            description="Tidak bisa masuk setelah mengganti kata sandi.",
            access_token_hash=secrets.token_hex(32),
        )
        for n in range(1, TICKETS + 1)
    )


def sessions(users: list) -> list[str]:
    """A signed-in session per user (bid_burst.sessions_make: Django's session and the
    UserSession record), staff's second factor checked just now."""
    from django.utils import timezone

    from inaproc.accounts.models import UserSession
    from inaproc.accounts.services.factors import second_factor_required

    people = [burst.Vendor(user.pk, 0, "") for user in users]
    burst.sessions_make(people)
    keys = [p.session_key for p in people]
    checked = [
        p.session_key for p, u in zip(people, users, strict=True) if second_factor_required(u)
    ]
    UserSession.objects.filter(session_key__in=checked).update(second_factor_at=timezone.now())
    return keys


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from inaproc.accounts.models import Role, User
    from inaproc.portals.cookies import portal_cookie_name
    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create

    portal = Portal.objects.filter(slug=PORTAL_SLUG).first() or portal_create(
        slug=PORTAL_SLUG, name="LPSE Dasbor Uji", institution="Pemerintah Kota Uji"
    )
    tenders_ensure(portal)
    vendors = burst.vendors_ensure(portal, VENDORS)
    vendor_activity_ensure(portal, vendors)
    emails_confirmed(portal)
    pending_ensure(portal)
    tickets_ensure(portal)
    verifiers = staff_ensure(portal, Role.VERIFIER, "verifikator", STAFF["verifier"])
    helpdesk = staff_ensure(portal, Role.HELPDESK, "helpdesk", STAFF["helpdesk"])
    pokja = staff_ensure(portal, Role.POKJA, "pokja", STAFF["pokja"])
    pokja_members_ensure(portal, pokja)
    ppk = User.objects.get(portal=portal, username="generated-ppk")
    TOTPDevice.objects.get_or_create(
        user=ppk, name="authenticator", defaults={"confirmed": True, "tolerance": 1}
    )
    vendor_users = list(User.objects.filter(pk__in=[v.user_id for v in vendors]).order_by("pk"))
    vendor_keys = sessions(vendor_users)
    base = f"/{PORTAL_SLUG}"
    pages = {
        "bare Django view": ["/platform/bench-bare/", []],
        "vendor: dashboard": [f"{base}/dasbor/", vendor_keys],
        "vendor: company data": [f"{base}/perusahaan/", vendor_keys],
        "vendor: my tenders": [f"{base}/perusahaan/tender/", vendor_keys],
        "vendor: login activity": [f"{base}/akun/aktivitas-masuk/", vendor_keys],
        "verifier: queue": [f"{base}/staf/verifikasi/", sessions(verifiers)],
        "Pokja: packages and tenders": [f"{base}/staf/paket/", sessions(pokja)],
        "PPK: packages": [f"{base}/staf/paket/", sessions([ppk])],
        "helpdesk: ticket queue": [f"{base}/staf/helpdesk/tiket/", sessions(helpdesk)],
        "helpdesk: dashboard": [f"{base}/dasbor/", sessions(helpdesk)],
    }
    cookie = portal_cookie_name(settings.SESSION_COOKIE_NAME, PORTAL_SLUG)
    print(json.dumps({"cookie": cookie, "pages": pages}))


if __name__ == "__main__":
    main()
