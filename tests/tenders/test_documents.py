"""Tender documents and addenda: PDF only (checked by content), versioned and never
overwritten, uploaded while the package is prepared, read by its officials only; an
addendum only during Pemberian Penjelasan, emailed to every participant."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.files.checks import document_check
from inaproc.files.services import CheckedUpload
from inaproc.notifications.models import Email
from inaproc.tenders.models import PackageState, TenderDocument, TenderDocumentKind
from inaproc.tenders.services.documents import tender_document_add
from inaproc.tenders.stages import BID_UPLOAD, CLARIFICATION
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.factories import (
    make_official,
    make_package,
    make_participant,
    make_pokja,
    make_schedule,
)
from tests.vendors.builders import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    """Every test stores files in its own folder."""
    root = tmp_path / "documents"
    settings.DOCUMENT_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def page(package, suffix=""):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/{suffix}"


def checked_pdf(name="dokumen.pdf") -> CheckedUpload:
    file = upload(name, pdf_bytes())
    return CheckedUpload("tender_document", file, document_check(file))


@pytest.fixture
def ppk(portal_a):
    return make_official(portal_a, Role.PPK)


@pytest.fixture
def pokja(portal_a):
    return make_pokja(portal_a)


@pytest.fixture
def member(pokja):
    return pokja.members.first().user


def test_each_upload_is_a_new_version_and_old_ones_stay(portal_a, ppk, document_root):
    package = make_package(portal_a, ppk=ppk)
    client = signed_in(ppk, english=True)

    for name in ("dokpil-1.pdf", "dokpil-2.pdf"):
        response = client.post(
            page(package, "dokumen/"),
            {"kind": "dokumen_pemilihan", "upload": upload(name), "note": ""},
        )
        assert response.status_code == 302

    documents = list(TenderDocument.objects.order_by("version"))
    assert [(d.version, d.original_name) for d in documents] == [
        (1, "dokpil-1.pdf"),
        (2, "dokpil-2.pdf"),
    ]
    assert len(stored_files(document_root)) == 2
    assert AuditEvent.objects.filter(verb="tender.document_added").count() == 2
    detail = client.get(page(package)).content.decode()
    assert "dokpil-1.pdf" in detail and "dokpil-2.pdf" in detail


def test_a_file_renamed_pdf_that_is_not_one_is_refused(portal_a, ppk, document_root):
    package = make_package(portal_a, ppk=ppk)
    client = signed_in(ppk, english=True)

    for content in (png_bytes(), b"not a pdf at all"):
        response = client.post(
            page(package, "dokumen/"),
            {"kind": "dokumen_pemilihan", "upload": upload("palsu.pdf", content)},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["upload"]

    assert not TenderDocument.objects.exists()
    assert stored_files(document_root) == []


def test_the_service_refuses_an_image(portal_a, ppk, document_root):
    package = make_package(portal_a, ppk=ppk)
    file = upload("gambar.png", png_bytes())
    image = CheckedUpload("tender_document", file, document_check(file))
    with pytest.raises(ValidationError):
        tender_document_add(
            package=package, kind="dokumen_pemilihan", upload=image, note="", by=ppk
        )
    assert stored_files(document_root) == []


def test_officials_read_the_documents_and_nobody_else(portal_a, portal_b, ppk, pokja, member):
    package = make_package(portal_a, ppk=ppk, state=PackageState.ASSIGNED, pokja=pokja)
    document = tender_document_add(
        package=package, kind="dokumen_pemilihan", upload=checked_pdf(), note="", by=member
    )
    url = page(package, f"dokumen/{document.pk}/")

    for official in (ppk, member):
        response = signed_in(official).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    strangers = [
        make_user(portal_a),  # a vendor
        make_official(portal_a, Role.PPK),
        make_official(portal_a, Role.POKJA),
        make_user(portal_a, role=Role.VERIFIER),
    ]
    for stranger in strangers:
        assert signed_in(stranger).get(url).status_code == 404, stranger.role
    other_portal = make_official(portal_b, Role.PPK)
    other_package = make_package(portal_b, ppk=other_portal)
    assert (
        signed_in(other_portal).get(f"/lpse-b/staf/paket/{other_package.pk}/dokumen/{document.pk}/")
    ).status_code == 404


def test_no_uploads_once_published(portal_a, ppk, pokja, member, document_root):
    package = make_package(portal_a, ppk=ppk, state=PackageState.PUBLISHED, pokja=pokja)

    for user in (ppk, member):
        response = signed_in(user).post(
            page(package, "dokumen/"), {"kind": "dokumen_pemilihan", "upload": upload()}
        )
        assert response.status_code == 403
    with pytest.raises(ValidationError):
        tender_document_add(
            package=package, kind="dokumen_pemilihan", upload=checked_pdf(), note="", by=member
        )
    assert not TenderDocument.objects.exists()
    assert stored_files(document_root) == []


def test_an_addendum_during_clarification_is_emailed_to_every_participant(
    portal_a, ppk, pokja, member
):
    package = make_package(portal_a, ppk=ppk, state=PackageState.ASSIGNED, pokja=pokja)
    tender_document_add(
        package=package, kind="dokumen_pemilihan", upload=checked_pdf(), note="", by=member
    )
    package.publish(at=timezone.now())
    package.save()
    make_schedule(package, running=CLARIFICATION)
    first = make_participant(package)
    second = make_participant(package)
    client = signed_in(member)

    response = client.post(
        page(package, "adendum/"),
        {"upload": upload("adendum-1.pdf"), "note": "Jadwal pembuktian diubah."},
    )

    assert response.status_code == 302
    addendum = TenderDocument.objects.get(kind=TenderDocumentKind.ADDENDUM)
    assert addendum.version == 2 and addendum.note == "Jadwal pembuktian diubah."
    emails = Email.objects.filter(template="tenders/email/addendum")
    expected = {
        first.company.email.lower(),
        first.joined_by.email.lower(),
        second.company.email.lower(),
        second.joined_by.email.lower(),
    }
    assert {email.to for email in emails} == expected
    mail = emails.first()
    assert portal_a.name in mail.subject and str(package.code) in mail.subject
    assert "Adendum" in mail.subject  # Indonesian by default
    assert f"/lpse-a/tender/{package.code}/" in mail.body
    assert "Jadwal pembuktian diubah." in mail.body
    event = AuditEvent.objects.get(verb="tender.addendum_published")
    assert event.payload["version"] == 2


@pytest.mark.parametrize("running", [BID_UPLOAD, None])
def test_an_addendum_outside_clarification_is_refused(
    portal_a, ppk, pokja, member, document_root, running
):
    package = make_package(portal_a, ppk=ppk, state=PackageState.PUBLISHED, pokja=pokja)
    if running:
        make_schedule(package, running=running)
    make_participant(package)

    response = signed_in(member, english=True).post(
        page(package, "adendum/"), {"upload": upload(), "note": "Terlambat."}
    )

    assert response.status_code == 403
    assert "Pemberian Penjelasan" in response.content.decode()
    with pytest.raises(ValidationError, match="Pemberian Penjelasan"):
        tender_document_add(
            package=package,
            kind=TenderDocumentKind.ADDENDUM,
            upload=checked_pdf(),
            note="Terlambat.",
            by=member,
        )
    assert not TenderDocument.objects.exists()
    assert not Email.objects.filter(template="tenders/email/addendum").exists()
    assert stored_files(document_root) == []


def test_an_addendum_needs_a_note_and_the_ppk_cannot_publish_one(portal_a, ppk, pokja, member):
    package = make_package(portal_a, ppk=ppk, state=PackageState.PUBLISHED, pokja=pokja)
    make_schedule(package, running=CLARIFICATION)

    no_note = signed_in(member).post(page(package, "adendum/"), {"upload": upload(), "note": ""})
    by_ppk = signed_in(ppk).post(page(package, "adendum/"), {"upload": upload(), "note": "x"})

    assert no_note.status_code == 200 and no_note.context["form"].errors["note"]
    assert by_ppk.status_code == 403
    with pytest.raises(ValidationError):
        tender_document_add(
            package=package,
            kind=TenderDocumentKind.ADDENDUM,
            upload=checked_pdf(),
            note="x",
            by=ppk,
        )
    assert not TenderDocument.objects.exists()
