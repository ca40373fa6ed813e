"""A minimal package, Pokja and schedule for the schedule and grace tests (the shared
tender factories live in tests/tenders/factories.py)."""

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.tenders.models import (
    Package,
    PackageState,
    Participation,
    Pokja,
    PokjaMember,
    ScheduleStage,
)
from inaproc.tenders.stages import PASCA_SATU_FILE, ScheduleTemplate
from tests.factories import make_company_member, make_user

_counter = itertools.count(1)


def make_pokja(portal, *, members: int = 3) -> Pokja:
    n = next(_counter)
    pokja = Pokja.objects.create(portal=portal, name=f"Pokja Jadwal {n}")
    for index in range(members):
        user = make_user(portal, role=Role.POKJA, full_name=f"Anggota {n}-{index}")
        PokjaMember.objects.create(pokja=pokja, user=user, is_chair=index == 0)
    return pokja


def make_package(portal, *, state: str = PackageState.ASSIGNED, pokja: Pokja | None = None):
    """A Pascakualifikasi Satu File tender of `portal` in `state`, with a Pokja of three
    (unless a draft, which has none)."""
    n = next(_counter)
    ppk = make_user(portal, role=Role.PPK)
    if pokja is None and state != PackageState.DRAFT:
        pokja = make_pokja(portal)
    return Package.objects.create(
        portal=portal,
        code=9_000_000_000 + n,
        name=f"Pembangunan Gedung {n}",
        rup_code=f"{n:08d}",
        funding_source="apbn",
        budget_year=2026,
        institution="Kementerian Uji",
        work_unit="Satker Uji",
        procurement_type="konstruksi",
        selection_method="tender",
        qualification_method="pasca",
        document_method="satu_file",
        evaluation_method="harga_terendah",
        contract_type="lumsum",
        business_qualification="kecil",
        pagu=1_000_000_000,
        hps=900_000_000,
        ppk=ppk,
        pokja=pokja,
        state=state,
        published_at=timezone.now() if state == PackageState.PUBLISHED else None,
    )


def stage_times(
    start: datetime, *, template: ScheduleTemplate = PASCA_SATU_FILE, days: int = 3
) -> dict[str, tuple[datetime, datetime]]:
    """Each stage `days` long, one after the other from `start` (valid for any template)."""
    times = {}
    for index, key in enumerate(template.keys()):
        begins = start + timedelta(days=days * index)
        times[key] = (begins, begins + timedelta(days=days))
    return times


def make_schedule(package, times: dict[str, tuple[datetime, datetime]]) -> None:
    """Stage rows as a saved schedule leaves them (bypassing the past-time rule, so a
    test can place a published tender anywhere on its schedule)."""
    ScheduleStage.objects.filter(package=package).delete()
    for position, (key, (starts_at, ends_at)) in enumerate(times.items(), start=1):
        ScheduleStage.objects.create(
            package=package, position=position, key=key, starts_at=starts_at, ends_at=ends_at
        )
    Package.objects.filter(pk=package.pk).update(schedule_template=PASCA_SATU_FILE.key)
    package.schedule_template = PASCA_SATU_FILE.key


def make_participant(package, *, email: str | None = None) -> Participation:
    """A company taking part in `package`, joined by its administrator."""
    user = make_user(package.portal, role=Role.VENDOR, email=email)
    member = make_company_member(user)
    company = member.company
    company.email = f"kantor{company.pk}@perusahaan.example.id"
    company.save(update_fields=["email"])
    return Participation.objects.create(
        package=package,
        company=company,
        joined_by=user,
        integrity_pact_agreed_at=timezone.now(),
    )
