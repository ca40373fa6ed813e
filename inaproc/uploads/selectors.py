import uuid
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.db.models import Sum

from inaproc.portals.models import Portal
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.uploads.storage import partial_open, partial_path


def upload_for_owner(
    *, portal: Portal, owner_id: int, purpose: str, target: str, upload_id: uuid.UUID
) -> ResumableUpload | None:
    """The upload if it exists *and* belongs to this user, portal and endpoint (purpose
    and target); None otherwise, so that "not yours" and "no such upload" look the same."""
    return ResumableUpload.objects.filter(
        pk=upload_id, portal=portal, owner_id=owner_id, purpose=purpose, target=target
    ).first()


def upload_quota_used(*, portal: Portal, owner_key: str, now: datetime) -> int:
    """Bytes announced by the owner's uploads still receiving (expired ones not counted)."""
    total = ResumableUpload.objects.filter(
        portal=portal, owner_key=owner_key, state=UploadState.RECEIVING, expires_at__gt=now
    ).aggregate(total=Sum("length"))["total"]
    return int(total or 0)


def upload_open_completed(*, upload: ResumableUpload) -> BinaryIO:
    """The complete upload's bytes as a binary stream (the caller closes it). For a
    policy's `on_complete`, or later until the upload is consumed or expires."""
    return partial_open(_complete(upload).storage_name)


def upload_completed_path(*, upload: ResumableUpload) -> Path:
    """The complete upload's file on this server's disk (UPLOAD_TEMP_ROOT), for a consumer
    that adopts it (`files.storage.file_adopt`) instead of copying it. It is removed when
    the upload is consumed."""
    return partial_path(_complete(upload).storage_name)


def _complete(upload: ResumableUpload) -> ResumableUpload:
    if upload.state != UploadState.COMPLETE:
        raise ValueError(f"Upload {upload.pk} is {upload.state}, not complete.")
    return upload
