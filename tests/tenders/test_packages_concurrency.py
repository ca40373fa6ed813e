"""Concurrent writes on one package (PostgreSQL): uploads at once get distinct versions,
and assignment and an edit by the PPK at once never leave a draft edited after it left
the PPK's hands."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from inaproc.accounts.models import Role
from inaproc.files.checks import document_check
from inaproc.files.services import CheckedUpload
from inaproc.tenders.models import Package, PackageState, TenderDocument
from inaproc.tenders.services.documents import tender_document_add
from inaproc.tenders.services.packages import package_assign, package_update
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once
from tests.tenders.factories import make_official, make_package, make_pokja, package_fields
from tests.vendors.builders import upload

pytestmark = POSTGRESQL_CONCURRENT


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    root = tmp_path / "documents"
    settings.DOCUMENT_ROOT = root
    return root


def checked_pdf(name: str) -> CheckedUpload:
    file = upload(name)
    return CheckedUpload("tender_document", file, document_check(file))


def test_uploads_at_once_get_distinct_versions(portal_a):
    ppk = make_official(portal_a, Role.PPK)
    package = make_package(portal_a, ppk=ppk)
    uploads = [checked_pdf(f"dok-{n}.pdf") for n in range(4)]

    all_at_once(
        [
            lambda item=item: tender_document_add(
                package=package, kind="dokumen_pemilihan", upload=item, note="", by=ppk
            )
            for item in uploads
        ]
    )

    versions = sorted(TenderDocument.objects.values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]


def test_an_edit_racing_the_assignment_is_either_before_it_or_refused(portal_a):
    ppk = make_official(portal_a, Role.PPK)
    package = make_package(portal_a, ppk=ppk, name="Asli")
    pokja = make_pokja(portal_a)
    values = {**package_fields(name="Diubah", institution="X"), "kbli": [], "locations": []}

    results = all_at_once(
        [
            lambda: package_assign(package=package, by=ppk, pokja=pokja),
            lambda: package_update(package=package, by=ppk, values=values),
        ],
        refusals=(ValidationError,),
    )

    package = Package.objects.get(pk=package.pk)
    assert package.state == PackageState.ASSIGNED
    edit_refused = isinstance(results[1], ValidationError)
    assert package.name == ("Asli" if edit_refused else "Diubah")
