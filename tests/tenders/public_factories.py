"""Packages as the public pages read them: published (or cancelled, or still a draft)
with a schedule placed around a moment, locations, KBLI, documents and schedule
changes. Rows made directly (the publishing services are another part's work); the
schedule follows the package's stage template."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.portals.models import Portal
from inaproc.reference.models import Kbli, KbliLevel
from inaproc.tenders.models import (
    Package,
    PackageState,
    Pokja,
    ScheduleChange,
    ScheduleStage,
    TenderDocument,
)
from inaproc.tenders.services.packages import package_locations_set
from inaproc.tenders.stages import template_for
from tests.factories import make_user

_codes = itertools.count(10_942_236_000, 1000)
STAGE_HOURS = 48


def _officials(portal: Portal):
    ppk = User.objects.filter(portal=portal, role=Role.PPK).first()
    ppk = ppk or make_user(portal, role=Role.PPK, username=f"ppk{next(_codes)}")
    pokja, _ = Pokja.objects.get_or_create(portal=portal, name="Pokja Uji")
    return ppk, pokja


def make_kbli(code: str = "41011", title: str = "Konstruksi Gedung Hunian") -> Kbli:
    """A 5-digit KBLI code with its parents (section "F" stands for any section)."""
    chain = [
        ("F", KbliLevel.KATEGORI, None),
        (code[:2], KbliLevel.GOLONGAN_POKOK, "F"),
        (code[:3], KbliLevel.GOLONGAN, code[:2]),
        (code[:4], KbliLevel.SUBGOLONGAN, code[:3]),
        (code, KbliLevel.KELOMPOK, code[:4]),
    ]
    for part, level, parent in chain:
        kbli, _ = Kbli.objects.get_or_create(
            code=part, defaults={"level": level, "title": title, "parent_id": parent}
        )
    return kbli


def make_public_package(
    portal: Portal,
    *,
    state: str = PackageState.PUBLISHED,
    running: str | None = "pengumuman_pasca",
    finished: bool = False,
    starts_in: timedelta | None = None,
    now: datetime | None = None,
    provinces: tuple[str, ...] = ("jawa_barat",),
    kbli: tuple[str, ...] = (),
    with_stages: bool = True,
    **fields,
) -> Package:
    """A package of `portal` whose schedule puts `running` (a stage key of its
    template) under way at `now`; `finished=True`: every stage over; `starts_in`: the
    first stage starts that far after `now`. Stages last 48 hours each, one after the
    other."""
    now = now or timezone.now()
    ppk, pokja = _officials(portal)
    defaults = {
        "name": "Pembangunan Gedung Kantor",
        "rup_code": "1238867798",
        "rup_name": "Pembangunan Gedung Kantor Dinas",
        "funding_source": "apbd",
        "budget_year": 2026,
        "institution": "Pemerintah Kota Bandung",
        "work_unit": "Dinas Pekerjaan Umum",
        "procurement_type": "konstruksi",
        "selection_method": "tender",
        "qualification_method": "pasca",
        "document_method": "satu_file",
        "evaluation_method": "harga_terendah",
        "contract_type": "lumsum",
        "business_qualification": "non_kecil",
        "pagu": Decimal("2000000000"),
        "hps": Decimal("1700000000"),
        "qualification_requirements": "Memiliki SBU yang sesuai.",
    }
    defaults.update(fields)
    is_public = state in (PackageState.PUBLISHED, PackageState.CANCELLED)
    package = Package.objects.create(
        portal=portal,
        code=defaults.pop("code", next(_codes)),
        ppk=ppk,
        pokja=None if state == PackageState.DRAFT else pokja,
        state=state,
        assigned_at=None if state == PackageState.DRAFT else now - timedelta(days=30),
        published_at=defaults.pop("published_at", now - timedelta(days=1)) if is_public else None,
        cancelled_at=now if state == PackageState.CANCELLED else None,
        cancel_reason=(
            defaults.pop("cancel_reason", "Spesifikasi teknis salah.")
            if state == PackageState.CANCELLED
            else ""
        ),
        **defaults,
    )
    template = template_for(package)
    package.schedule_template = template.key
    package.save(update_fields=["schedule_template"])
    if with_stages:
        keys = template.keys()
        span = timedelta(hours=STAGE_HOURS)
        if finished:
            first = now - span * (len(keys) + 1)
        elif starts_in is not None:
            first = now + starts_in
        else:
            # `running` started an hour ago.
            first = now - timedelta(hours=1) - span * keys.index(running)
        ScheduleStage.objects.bulk_create(
            ScheduleStage(
                package=package,
                position=position,
                key=key,
                starts_at=first + span * (position - 1),
                ends_at=first + span * position,
            )
            for position, key in enumerate(keys, start=1)
        )
    package_locations_set(package, [(province, "Kota Uji") for province in provinces])
    for code in kbli:
        package.kbli.add(make_kbli(code))
    return package


def make_document(package: Package, *, version: int = 1, kind: str = "dokumen_pemilihan", **fields):
    return TenderDocument.objects.create(
        package=package,
        version=version,
        kind=kind,
        stored_name=f"tender-{package.pk}-{version}.pdf",
        original_name=fields.pop("original_name", f"dokumen-v{version}.pdf"),
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        **fields,
    )


def make_schedule_change(
    package: Package, key: str, *, hours: int = 24, reason: str
) -> ScheduleChange:
    """Move the end of stage `key` later by `hours`, as a change after publication."""
    stage = package.stages.get(key=key)
    previous = (stage.starts_at, stage.ends_at)
    stage.ends_at = stage.ends_at + timedelta(hours=hours)
    stage.change_count += 1
    stage.save()
    return ScheduleChange.objects.create(
        stage=stage,
        package=package,
        previous_starts_at=previous[0],
        previous_ends_at=previous[1],
        starts_at=stage.starts_at,
        ends_at=stage.ends_at,
        reason=reason,
    )
