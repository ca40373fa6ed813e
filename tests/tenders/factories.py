"""Shared tender test data: officials, Pokja groups, packages, schedules, participants.

Kept small and stable: other tender tests build on these. Rows are made directly (not
through the package services) so that a test of publication, schedules or participation
does not depend on the package forms; tests of package creation itself use the services.
"""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from inaproc.accounts.models import Role, StaffRole, User
from inaproc.portals.models import Portal
from inaproc.tenders.models import (
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    FundingSource,
    Package,
    PackageState,
    Participation,
    Pokja,
    PokjaMember,
    ProcurementType,
    QualificationMethod,
    ScheduleStage,
    SelectionMethod,
)
from inaproc.tenders.models.choices import NON_TENDER_METHODS
from inaproc.tenders.rules import package_public_code
from inaproc.tenders.services.packages import package_locations_set
from inaproc.tenders.stages import template_for
from tests.factories import make_company_member, make_user

_counter = itertools.count(1)


def make_official(portal: Portal, role: str, *more_roles: str, **fields) -> User:
    """A staff member of `portal` holding `role` (and `more_roles`, granted as
    `StaffRole`s, e.g. a PPK who also sits on a Pokja)."""
    user = make_user(portal, role=role, **fields)
    for extra in more_roles:
        StaffRole.objects.get_or_create(user=user, role=extra)
    if more_roles:
        user = User.objects.get(pk=user.pk)  # `roles` is cached on the instance
    return user


def make_pokja(
    portal: Portal, members: int = 3, *, name: str | None = None, users: list[User] = ()
) -> Pokja:
    """An active Pokja of `members` members holding the Pokja role (the first is the
    chair); `users` are members too, counted in `members` (and given the Pokja role)."""
    pokja = Pokja.objects.create(portal=portal, name=name or f"Pokja Uji {next(_counter)}")
    people = list(users)
    for user in people:
        StaffRole.objects.get_or_create(user=user, role=Role.POKJA)
    while len(people) < members:
        people.append(make_official(portal, Role.POKJA))
    for index, user in enumerate(people):
        PokjaMember.objects.create(pokja=pokja, user=user, is_chair=index == 0)
    return pokja


def package_fields(**overrides) -> dict:
    """Valid fields of a goods tender (Tender, Pascakualifikasi Satu File, Harga
    Terendah); override any of them."""
    n = next(_counter)
    values = {
        "name": f"Pengadaan Laptop Uji {n}",
        "description": "Pengadaan 20 unit laptop untuk kantor.",
        "rup_code": f"{1_238_860_000 + n}",
        "rup_name": "Belanja Modal Peralatan",
        "funding_source": FundingSource.APBD,
        "budget_year": 2026,
        "work_unit": "Dinas Komunikasi dan Informatika",
        "procurement_type": ProcurementType.BARANG,
        "selection_method": SelectionMethod.TENDER,
        "qualification_method": QualificationMethod.PASCAKUALIFIKASI,
        "document_method": DocumentMethod.SATU_FILE,
        "evaluation_method": EvaluationMethod.HARGA_TERENDAH,
        "contract_type": ContractType.LUMSUM,
        "business_qualification": BusinessQualification.KECIL,
        "pagu": Decimal("1500000000"),
        "hps": Decimal("1450000000"),
        "qualification_requirements": "Memiliki NIB dan pengalaman sejenis.",
    }
    values.update(overrides)
    return values


def make_package(
    portal: Portal,
    *,
    ppk: User | None = None,
    state: str = PackageState.DRAFT,
    pokja: Pokja | None = None,
    pejabat_pengadaan: User | None = None,
    location: tuple[str, str] | None = ("jawa_barat", "Kota Bandung"),
    **fields,
) -> Package:
    """A package of `portal` in `state` with its public code and one location.

    Beyond a draft it needs a runner: `pokja` (a new Pokja of three when none is given)
    or, for the non-tender methods, `pejabat_pengadaan` (a new one when none is given).
    A published package gets `published_at` now unless given."""
    values = package_fields(**fields)
    values.setdefault("institution", portal.institution)
    ppk = ppk or make_official(portal, Role.PPK)
    now = timezone.now()
    if state != PackageState.DRAFT and pokja is None and pejabat_pengadaan is None:
        if values["selection_method"] in NON_TENDER_METHODS:
            pejabat_pengadaan = make_official(portal, Role.PEJABAT_PENGADAAN)
        else:
            pokja = make_pokja(portal)
    if state != PackageState.DRAFT:
        values.setdefault("assigned_at", now)
    if state in (PackageState.PUBLISHED, PackageState.CANCELLED):
        values.setdefault("published_at", now)
    if state == PackageState.CANCELLED:
        values.setdefault("cancelled_at", now)
        values.setdefault("cancel_reason", "Dibatalkan untuk uji.")
    package = Package(
        portal=portal, ppk=ppk, pokja=pokja, pejabat_pengadaan=pejabat_pengadaan, state=state
    )
    for name, value in values.items():
        setattr(package, name, value)
    template = template_for(package)
    package.schedule_template = template.key if template else ""
    package.save()
    package.code = package_public_code(package_pk=package.pk, portal_pk=portal.pk)
    package.save(update_fields=["code"])
    if location:
        package_locations_set(package, [location])
    return package


def make_schedule(
    package: Package,
    start: datetime | None = None,
    *,
    running: str | None = None,
    stage_days: int = 2,
) -> list[ScheduleStage]:
    """The stages of the package's template, one after another, each `stage_days` long,
    from `start` (default: tomorrow at 08:00 local time). With `running` (a stage key),
    the schedule is placed so that this stage runs now (it began a day ago when it is at
    least two days long)."""
    template = template_for(package)
    assert template is not None, "no schedule template fits the package's methods"
    keys = template.keys()
    length = timedelta(days=stage_days)
    if running is not None:
        before = keys.index(running)
        start = timezone.now() - min(timedelta(days=1), length / 2) - before * length
    elif start is None:
        tomorrow = timezone.localtime() + timedelta(days=1)
        start = tomorrow.replace(hour=8, minute=0, second=0, microsecond=0)
    stages = [
        ScheduleStage(
            package=package,
            position=position,
            key=key,
            starts_at=start + (position - 1) * length,
            ends_at=start + position * length,
        )
        for position, key in enumerate(keys, start=1)
    ]
    ScheduleStage.objects.bulk_create(stages)
    if package.schedule_template != template.key:
        Package.objects.filter(pk=package.pk).update(schedule_template=template.key)
        package.schedule_template = template.key
    return list(package.stages.order_by("position"))


def make_participant(package: Package, *, user: User | None = None) -> Participation:
    """A company (the bare rows of `make_company_member`) taking part in `package`,
    joined by its administrator `user` (a new vendor account when none is given)."""
    user = user or make_user(package.portal)
    membership = getattr(user, "company_membership", None) or make_company_member(user)
    return Participation.objects.create(
        package=package,
        company=membership.company,
        joined_by=user,
        integrity_pact_agreed_at=timezone.now(),
    )
