"""Minimal tender data for the publication, participation and clarification tests: a
Pokja, a package with a complete schedule and a Dokumen Pemilihan, approved vendors.
(The shared tender factories live in tests/tenders/factories.py; these stay apart so
that the two can be written at the same time.)"""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.files.services import files_store
from inaproc.tenders import stages
from inaproc.tenders.models import (
    Package,
    PackageState,
    Pokja,
    PokjaMember,
    ScheduleStage,
    TenderDocument,
    TenderDocumentKind,
)
from inaproc.vendors.models import CompanyMember, Registration, RegistrationStatus
from tests.bids.factories import make_tender_keys
from tests.factories import make_company_member, make_user
from tests.vendors.builders import checked

_codes = itertools.count(90_000_000_001)


def make_pokja(portal, *, size: int = 3, quorum: int | None = None) -> tuple[Pokja, list]:
    pokja = Pokja.objects.create(portal=portal, name=f"Pokja {next(_codes)}", quorum=quorum)
    members = [make_user(portal, role=Role.POKJA) for _ in range(size)]
    for index, user in enumerate(members):
        PokjaMember.objects.create(pokja=pokja, user=user, is_chair=index == 0)
    return pokja, members


def make_schedule(
    package: Package,
    *,
    start: datetime,
    clarification: tuple[datetime, datetime] | None = None,
    bid_deadline: datetime | None = None,
) -> None:
    """Every stage of the package's template: the announcement from `start` for a day,
    the clarification and the bid upload as given (by default day 1-2 and day 2-4), the
    later stages a day each after the bid deadline."""
    template = stages.TEMPLATES[package.schedule_template]
    clarification = clarification or (start + timedelta(days=1), start + timedelta(days=2))
    bid_deadline = bid_deadline or start + timedelta(days=4)
    after = bid_deadline
    for position, stage in enumerate(template.stages, start=1):
        if stage.key == stages.CLARIFICATION:
            begins, ends = clarification
        elif stage.key == stages.BID_UPLOAD:
            begins, ends = min(clarification[1], bid_deadline - timedelta(hours=1)), bid_deadline
        elif position <= 2:
            begins, ends = start, max(start + timedelta(days=1), bid_deadline)
        else:
            begins, ends = after, after + timedelta(days=1)
            after = ends
        ScheduleStage.objects.create(
            package=package, position=position, key=stage.key, starts_at=begins, ends_at=ends
        )


def make_document(package: Package, *, kind: str = TenderDocumentKind.DOKUMEN_PEMILIHAN):
    version = TenderDocument.objects.filter(package=package).count() + 1
    (fields,) = files_store(items=[checked(kind, f"{kind}.pdf")], portal=package.portal)
    return TenderDocument.objects.create(package=package, version=version, **fields)


def make_package(
    portal,
    *,
    pokja: Pokja | None = None,
    pejabat_pengadaan=None,
    state: str = PackageState.ASSIGNED,
    start: datetime | None = None,
    schedule: bool = True,
    document: bool = True,
    tender_keys: bool = True,
    **schedule_options,
) -> Package:
    """A package assigned to `pokja` (or a Pejabat Pengadaan), with a complete schedule
    starting at `start` (default: an hour from now), a Dokumen Pemilihan and the tender
    keys of sealed bids (the officials' opening keys made too); published
    (or cancelled) when `state` says so, with the schedule as given."""
    now = timezone.now()
    ppk = make_user(portal, role=Role.PPK)
    package = Package.objects.create(
        portal=portal,
        code=next(_codes),
        name="Pembangunan Gedung Kantor",
        rup_code="1238867798",
        funding_source="apbd",
        budget_year=2026,
        institution="Pemerintah Kota Uji",
        work_unit="Dinas Pekerjaan Umum",
        procurement_type="konstruksi",
        selection_method="tender",
        qualification_method="pasca",
        document_method="satu_file",
        evaluation_method="harga_terendah",
        contract_type="lumsum",
        business_qualification="kecil",
        pagu=Decimal("1000000000"),
        hps=Decimal("950000000"),
        schedule_template="pasca_satu_file",
        ppk=ppk,
        pokja=pokja,
        pejabat_pengadaan=pejabat_pengadaan,
    )
    if schedule:
        make_schedule(package, start=start or now + timedelta(hours=1), **schedule_options)
    if document:
        make_document(package)
    if state != PackageState.DRAFT:
        package.assign(at=now)
        package.save()
        if tender_keys:
            make_tender_keys(package)
            package.refresh_from_db()
    if state in (PackageState.PUBLISHED, PackageState.CANCELLED):
        package.publish(at=now - timedelta(minutes=1))
    if state == PackageState.CANCELLED:
        package.cancel(at=now, reason="Dibatalkan")
    package.save()
    return package


def make_vendor(
    portal,
    *,
    role: str = "admin",
    status: str = RegistrationStatus.APPROVED,
    company=None,
) -> CompanyMember:
    """A signed-up vendor account with `role` in a company whose registration has
    `status` (a second user of `company` when given)."""
    user = make_user(portal, role=Role.VENDOR)
    if company is not None:
        return CompanyMember.objects.create(company=company, user=user, role=role)
    member = make_company_member(user, role=role)
    Registration.objects.create(
        portal=portal, company=member.company, applicant=user, status=status
    )
    return member


def published_tender(portal, **options) -> Package:
    """A published tender of a fresh Pokja: the clarification running now, bids due in
    two days (options override)."""
    now = timezone.now()
    pokja, _members = make_pokja(portal)
    options.setdefault("start", now - timedelta(hours=2))
    options.setdefault("clarification", (now - timedelta(hours=1), now + timedelta(days=1)))
    options.setdefault("bid_deadline", now + timedelta(days=2))
    options.setdefault("state", PackageState.PUBLISHED)
    return make_package(portal, pokja=pokja, **options)
