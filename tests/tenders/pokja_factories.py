"""Packages for the Pokja management tests: the bare rows, taken through the FSM's own
transitions (the package services have their own tests and builders)."""

import itertools
from decimal import Decimal

from django.utils import timezone

from inaproc.tenders.models import Package, PackageState, Pokja

_counter = itertools.count(1)


def make_package(*, ppk, pokja: Pokja | None = None, state: str = PackageState.DRAFT) -> Package:
    n = next(_counter)
    package = Package.objects.create(
        portal=ppk.portal,
        name=f"Paket Uji {n}",
        rup_code=f"{1000 + n}",
        funding_source="apbn",
        budget_year=2026,
        institution="Kementerian Alpha",
        work_unit="Satker Uji",
        procurement_type="barang",
        selection_method="tender",
        qualification_method="pasca",
        document_method="satu_file",
        evaluation_method="harga_terendah",
        contract_type="lumsum",
        business_qualification="kecil",
        pagu=Decimal("1000000000"),
        hps=Decimal("900000000"),
        ppk=ppk,
        pokja=pokja,
    )
    now = timezone.now()
    if state in (PackageState.ASSIGNED, PackageState.PUBLISHED):
        package.assign(at=now)
        package.save()
    if state == PackageState.PUBLISHED:
        package.publish(at=now)
        package.save()
    return package
