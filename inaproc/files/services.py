"""Storing checked uploads, and uploads held while the user corrects the rest of a form."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath, PureWindowsPath

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from inaproc.files.checks import CheckedDocument
from inaproc.files.models import HeldUpload
from inaproc.files.selectors import HELD_UPLOAD_HOURS, held_key_hash, held_upload_allowance
from inaproc.files.storage import document_delete, document_store
from inaproc.portals.models import Portal

ORIGINAL_NAME_MAX_LENGTH = 255


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `document_check`, with the kind of file it was given as."""

    kind: str
    upload: UploadedFile
    checked: CheckedDocument


def original_name_clean(name: str | None) -> str:
    """The uploaded file's own name, only for display: no directories, no control
    characters, bounded length."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-ORIGINAL_NAME_MAX_LENGTH:] or "dokumen"


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
    the files already written). Returns the field values for rows of StoredDocumentFields models."""
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


class HoldResult(list[HeldUpload]):
    """The rows `held_uploads_add` kept (a list, as before the limit), and in `refused`
    the uploads it did not store because the address reached its limit on held files."""

    def __init__(self, held: list[HeldUpload], refused: list[CheckedUpload]) -> None:
        super().__init__(held)
        self.refused = refused


def held_uploads_add(
    *, portal: Portal, key: str, items: list[CheckedUpload], ip_address: str | None = None
) -> HoldResult:
    """Keep checked uploads of a form that failed elsewhere (or did not prove a human
    yet), under the form's key, within what one client address may park (see
    `selectors.held_upload_allowance`): uploads beyond it are refused, not stored."""
    if not items:
        return HoldResult(held=[], refused=[])
    files_left, bytes_left = held_upload_allowance(ip_address=ip_address)
    accepted: list[CheckedUpload] = []
    refused: list[CheckedUpload] = []
    for item in items:
        if len(accepted) < files_left and item.checked.size <= bytes_left:
            accepted.append(item)
            bytes_left -= item.checked.size
        else:
            refused.append(item)
    written = files_store(items=accepted, portal=portal)
    try:
        held = HeldUpload.objects.bulk_create(
            [
                HeldUpload(
                    portal=portal, key_hash=held_key_hash(key), ip_address=ip_address, **fields
                )
                for fields in written
            ]
        )
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise
    return HoldResult(held=held, refused=refused)


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


# The fields a stored file brings to the row of a StoredDocumentFields model.
STORED_FILE_FIELDS = ("kind", "stored_name", "original_name", "content_type", "size", "sha256")
