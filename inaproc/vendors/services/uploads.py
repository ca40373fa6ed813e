"""Files a registration brings: checked uploads stored as documents, and uploads held
while the applicant corrects the rest of a form."""

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath, PureWindowsPath

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from inaproc.accounts.models import User
from inaproc.portals.models import Portal
from inaproc.vendors.documents import CheckedDocument, document_delete, document_store
from inaproc.vendors.models import Company, Document, HeldUpload

HELD_UPLOAD_HOURS = 24
ORIGINAL_NAME_MAX_LENGTH = 255


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `document_check`, with the document type it was given for."""

    kind: str
    upload: UploadedFile
    checked: CheckedDocument


def original_name_clean(name: str | None) -> str:
    """The uploaded file's own name, only for display: no directories, no control
    characters, bounded length."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-ORIGINAL_NAME_MAX_LENGTH:] or "dokumen"


def held_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _stored_fields(item: CheckedUpload, *, portal_id: int) -> dict:
    stored = document_store(upload=item.upload, checked=item.checked, portal_id=portal_id)
    return {
        "kind": item.kind,
        "stored_name": stored.name,
        "original_name": original_name_clean(item.upload.name),
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


def files_store(*, items: Iterable[CheckedUpload], portal: Portal) -> list[dict]:
    """Write each checked upload to the document storage; all or none (a failure removes
    the files already written). Returns the field values for Document or HeldUpload rows."""
    written: list[dict] = []
    try:
        for item in items:
            written.append(_stored_fields(item, portal_id=portal.pk))
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise
    return written


def files_remove(*, names: Iterable[str]) -> None:
    for name in names:
        document_delete(name=name)


def held_uploads_add(*, portal: Portal, key: str, items: list[CheckedUpload]) -> list[HeldUpload]:
    """Keep checked uploads of a form that failed elsewhere, under the form's key."""
    if not items:
        return []
    written = files_store(items=items, portal=portal)
    try:
        return HeldUpload.objects.bulk_create(
            [HeldUpload(portal=portal, key_hash=held_key_hash(key), **fields) for fields in written]
        )
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise


def held_uploads_remove(*, portal: Portal, key: str, ids: Iterable[int]) -> None:
    """The applicant took these held files out of the form."""
    held = list(HeldUpload.objects.filter(portal=portal, key_hash=held_key_hash(key), pk__in=ids))
    HeldUpload.objects.filter(pk__in=[h.pk for h in held]).delete()
    files_remove(names=[h.stored_name for h in held])


def held_uploads_prune(*, now: datetime | None = None) -> int:
    """Remove held files older than HELD_UPLOAD_HOURS (abandoned forms)."""
    cutoff = (now or timezone.now()) - timedelta(hours=HELD_UPLOAD_HOURS)
    old = list(HeldUpload.objects.filter(uploaded_at__lt=cutoff))
    HeldUpload.objects.filter(pk__in=[h.pk for h in old]).delete()
    files_remove(names=[h.stored_name for h in old])
    return len(old)


# The fields a stored file brings to a Document or ProposedDocument row.
STORED_FILE_FIELDS = ("kind", "stored_name", "original_name", "content_type", "size", "sha256")


def stored_file_rows(
    *,
    written: list[dict],
    held: Iterable[HeldUpload],
    valid_until: dict[str, date | None] | None = None,
) -> list[dict]:
    """Field values for the rows of newly written files and of held uploads, each with
    the end date given for its document type (`valid_until`, e.g. licences) or None."""
    valid_until = valid_until or {}
    stored = written + [{name: getattr(h, name) for name in STORED_FILE_FIELDS} for h in held]
    return [{**fields, "valid_until": valid_until.get(fields["kind"])} for fields in stored]


def documents_attach(
    *,
    company: Company,
    written: list[dict],
    held: Iterable[HeldUpload] = (),
    valid_until: dict[str, date | None] | None = None,
    uploaded_by: User | None,
) -> list[Document]:
    """Inside the caller's transaction: Document rows for newly written files and for
    held uploads (whose files the documents now own), with their end dates by type."""
    held = list(held)
    rows = [
        Document(company=company, uploaded_by=uploaded_by, **fields)
        for fields in stored_file_rows(written=written, held=held, valid_until=valid_until)
    ]
    HeldUpload.objects.filter(pk__in=[h.pk for h in held]).delete()
    return Document.objects.bulk_create(rows)
