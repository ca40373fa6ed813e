"""Writes of resumable uploads: create, receive bytes, terminate, consume, prune.

A partial file only grows under its lock (`storage.partial_lock`), and its offset in the
database is committed only after the bytes are fsync'd: the committed offset never
exceeds the durable bytes, and a request that dies leaves at most uncommitted bytes,
cut by the next PATCH."""

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.audit.services import audit_record
from inaproc.core.metrics import UPLOAD_BYTES
from inaproc.portals.models import Portal
from inaproc.uploads import storage
from inaproc.uploads.exceptions import (
    UploadBusy,
    UploadGone,
    UploadOffsetMismatch,
    UploadRejected,
    UploadTooLarge,
)
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.uploads.selectors import upload_quota_used

READ_SIZE = 65_536
OnComplete = Callable[[ResumableUpload], None]


@dataclass(frozen=True)
class Received:
    upload: ResumableUpload
    # The request body ended (or broke) before its Content-Length: what came is kept.
    interrupted: bool


def _new_upload(
    *,
    portal: Portal,
    owner_id: int,
    owner_key: str,
    purpose: str,
    target: str,
    length: int,
    metadata: dict[str, str],
    quota_bytes: int | None,
    now: datetime,
    quota_used: int | None = None,
) -> ResumableUpload:
    """The upload's row, not saved yet, with a fresh empty partial file. UploadTooLarge
    if the owner's receiving uploads and this one would exceed `quota_bytes` (a soft
    limit: creations at the same instant are not serialised); `quota_used`: what those
    uploads announce, if the caller read it in this request (else counted here)."""
    if quota_bytes is not None:
        used = (
            quota_used
            if quota_used is not None
            else upload_quota_used(portal=portal, owner_key=owner_key, now=now)
        )
        if used + length > quota_bytes:
            raise UploadTooLarge(
                _("Your unfinished uploads would exceed %(limit)s. Finish or cancel them.")
                % {"limit": filesizeformat(quota_bytes)}
            )
    upload = ResumableUpload(
        portal=portal,
        owner_id=owner_id,
        owner_key=owner_key,
        purpose=purpose,
        target=target,
        length=length,
        metadata=metadata,
        created_at=now,
        expires_at=now + timedelta(hours=settings.UPLOAD_EXPIRY_HOURS),
    )
    upload.storage_name = storage.partial_name(upload.id.hex)
    storage.partial_create(upload.storage_name)
    return upload


def upload_create(
    *,
    portal: Portal,
    owner_id: int,
    owner_key: str,
    purpose: str,
    target: str,
    length: int,
    metadata: dict[str, str],
    quota_bytes: int | None = None,
    quota_used: int | None = None,
    now: datetime | None = None,
) -> ResumableUpload:
    """A new upload of `length` bytes with an empty partial file (tus creation without
    data). UploadTooLarge past the owner's quota (`_new_upload`)."""
    upload = _new_upload(
        portal=portal,
        owner_id=owner_id,
        owner_key=owner_key,
        purpose=purpose,
        target=target,
        length=length,
        metadata=metadata,
        quota_bytes=quota_bytes,
        now=now or timezone.now(),
        quota_used=quota_used,
    )
    try:
        upload.save(force_insert=True)
    except BaseException:
        storage.partial_delete(upload.storage_name)
        raise
    return upload


def upload_create_with_data(
    *,
    portal: Portal,
    owner_id: int,
    owner_key: str,
    purpose: str,
    target: str,
    length: int,
    metadata: dict[str, str],
    count: int,
    read: Callable[[int], bytes],
    on_complete: OnComplete,
    quota_bytes: int | None = None,
    quota_used: int | None = None,
    now: datetime | None = None,
) -> Received:
    """A new upload whose first `count` bytes come with its creation (tus
    creation-with-upload; all of a small file, which then completes at once, and a
    file of length 0 too). The bytes are made durable *before* the row exists, and the
    row is written once, with its offset (and, complete, with what `on_complete` made
    of it): a request that dies on the way leaves no row to count against the quota,
    only a partial file without one, which `prune_uploads` removes. UploadTooLarge past
    the quota; UploadRejected as `upload_receive`."""
    now = now or timezone.now()
    upload = _new_upload(
        portal=portal,
        owner_id=owner_id,
        owner_key=owner_key,
        purpose=purpose,
        target=target,
        length=length,
        metadata=metadata,
        quota_bytes=quota_bytes,
        now=now,
        quota_used=quota_used,
    )
    try:
        hasher = hashlib.sha256()
        with storage.partial_append(upload.storage_name, at=0) as writer:
            interrupted = _copy(read, writer, count, hasher)
        upload.offset = writer.written
        if upload.offset >= upload.length:  # the whole file came with the creation
            upload.received_sha256 = hasher.hexdigest()
        rejection = _write_finished(
            upload,
            complete=upload.offset >= upload.length,
            on_complete=on_complete,
            now=now,
            write=lambda: upload.save(force_insert=True),
        )
    except BaseException:
        storage.partial_delete(upload.storage_name)
        raise
    UPLOAD_BYTES.labels(upload.purpose).inc(writer.written)
    if rejection is not None:
        raise rejection
    return Received(upload=upload, interrupted=interrupted)


def _fresh_receiving(upload: ResumableUpload, now: datetime) -> ResumableUpload:
    fresh = ResumableUpload.objects.get(pk=upload.pk)
    if fresh.state != UploadState.RECEIVING:
        raise UploadGone(fresh.rejection or _("This upload is finished."))
    if fresh.expires_at <= now:
        raise UploadGone(_("This upload has expired. Start it again."))
    return fresh


def _copy(
    read: Callable[[int], bytes],
    writer: storage.PartialWriter,
    count: int,
    hasher: "hashlib._Hash | None" = None,
) -> bool:
    """Copy `count` bytes from `read` into the partial file (and `hasher`); True if the
    body ended or broke first (a dropped connection), keeping what arrived."""
    remaining = count
    while remaining:
        try:
            chunk = read(min(READ_SIZE, remaining))
        except OSError:  # includes Django's UnreadablePostError
            return True
        if not chunk:
            return True
        chunk = chunk[:remaining]
        writer.write(chunk)
        if hasher is not None:
            hasher.update(chunk)
        remaining -= len(chunk)
    return False


def upload_receive(
    *,
    upload: ResumableUpload,
    at: int,
    count: int,
    read: Callable[[int], bytes],
    on_complete: OnComplete,
    now: datetime | None = None,
) -> Received:
    """Append `count` bytes read from `read` at offset `at`, which must be the committed
    offset (else UploadOffsetMismatch). When the last byte is in, the upload becomes
    complete and `on_complete(upload)` runs in the same transaction; if it raises
    UploadRejected, the upload is marked rejected (file removed) and the error re-raised.
    UploadBusy if another request holds the upload."""
    now = now or timezone.now()
    try:
        with storage.partial_lock(upload.storage_name):
            upload = _fresh_receiving(upload, now)
            if upload.offset != at:
                raise UploadOffsetMismatch(_("The upload is at another offset; resume it."))
            if count > upload.length - at:
                raise UploadTooLarge(_("More data than the upload's announced size."))
            with storage.partial_append(upload.storage_name, at=at) as writer:
                interrupted = _copy(read, writer, count)
            upload = _commit(upload, offset=at + writer.written, on_complete=on_complete, now=now)
            UPLOAD_BYTES.labels(upload.purpose).inc(writer.written)
    except storage.PartialBusy as busy:
        raise UploadBusy(_("This upload is already being written. Try again shortly.")) from busy
    except FileNotFoundError as missing:
        raise UploadGone(_("This upload has expired. Start it again.")) from missing
    return Received(upload=upload, interrupted=interrupted)


def _commit(
    upload: ResumableUpload, *, offset: int, on_complete: OnComplete, now: datetime
) -> ResumableUpload:
    # The partial file's lock is held: nobody else writes this upload, so its row is
    # updated where it still is as read (one statement, no SELECT … FOR UPDATE); a row
    # that moved all the same (deleted by hand, say) counts as gone. A complete upload
    # is handed to `on_complete` first, and the same statement writes what it made of
    # it (consumed, or rejected).
    read_offset = upload.offset
    upload.offset = offset
    rejection = _write_finished(
        upload,
        complete=offset >= upload.length,
        on_complete=on_complete,
        now=now,
        write=lambda: _commit_write(upload, read_offset),
    )
    if rejection is not None:
        raise rejection
    return upload


def _write_finished(
    upload: ResumableUpload,
    *,
    complete: bool,
    on_complete: OnComplete,
    now: datetime,
    write: Callable[[], None],
) -> UploadRejected | None:
    """`write` the upload's row in a transaction, after `on_complete` when the last byte
    is in (`complete`). A rejection by `on_complete` rolls that transaction back whole
    (what it wrote with it; no savepoint: two statements less per finished upload), then
    the row is written rejected in another, and the rejection is returned."""
    try:
        with transaction.atomic():
            if complete:
                _complete(upload, on_complete=on_complete, now=now)
            write()
    except UploadRejected as error:
        with transaction.atomic():
            _rejected(upload, error)
            write()
        return error
    return None


def _commit_write(upload: ResumableUpload, read_offset: int) -> None:
    moved = ResumableUpload.objects.filter(
        pk=upload.pk, state=UploadState.RECEIVING, offset=read_offset
    ).update(
        offset=upload.offset,
        state=upload.state,
        completed_at=upload.completed_at,
        rejection=upload.rejection,
    )
    if not moved:
        raise UploadGone(_("This upload is finished."))


def _complete(upload: ResumableUpload, *, on_complete: OnComplete, now: datetime) -> None:
    """The last byte is in (`upload` not written yet): run `on_complete` in the caller's
    transaction, which then writes `upload`, consumed (by it) or complete. If it raises
    UploadRejected the caller rolls its transaction back (`on_complete`'s writes with
    it) and writes `upload` rejected (`_rejected`) in another."""
    upload.state = UploadState.COMPLETE
    upload.completed_at = now
    upload._completing = True  # type: ignore[attr-defined]  # upload_consume: no write
    try:
        on_complete(upload)
    finally:
        del upload._completing  # type: ignore[attr-defined]


def _rejected(upload: ResumableUpload, error: UploadRejected) -> None:
    """`upload` as `on_complete` left it when it refused it (inside the transaction that
    writes it): rejected with the message, its file removed once that commits."""
    upload.state = UploadState.REJECTED
    upload.rejection = error.message[:500]
    name = upload.storage_name
    transaction.on_commit(lambda: storage.partial_delete(name))


def upload_terminate(*, upload: ResumableUpload) -> None:
    """tus termination: the upload stops taking bytes and its partial file goes.
    UploadBusy while a PATCH is under way."""
    try:
        with storage.partial_lock(upload.storage_name):
            _terminate(upload)
    except FileNotFoundError:
        _terminate(upload)
    except storage.PartialBusy as busy:
        raise UploadBusy(_("This upload is being written. Try again shortly.")) from busy


def _terminate(upload: ResumableUpload) -> None:
    with transaction.atomic():
        ResumableUpload.objects.filter(pk=upload.pk).update(state=UploadState.TERMINATED)
        upload.state = UploadState.TERMINATED
        storage.partial_delete(upload.storage_name)


def upload_consume(*, upload: ResumableUpload) -> None:
    """The caller has stored the complete upload's bytes elsewhere: mark it consumed and
    remove the partial file once the transaction commits. Called from `on_complete`,
    the state goes in with the completion's own write (one statement less per file)."""
    if upload.state != UploadState.COMPLETE:
        raise ValueError(f"Upload {upload.pk} is {upload.state}, not complete.")
    upload.state = UploadState.CONSUMED
    if not getattr(upload, "_completing", False):
        upload.save(update_fields=["state"])
    name = upload.storage_name
    transaction.on_commit(lambda: storage.partial_delete(name))


_PART = re.compile(r"([0-9a-f]{32})\.part")


def uploads_prune(*, now: datetime | None = None) -> int:
    """Delete uploads past their expiry, whatever their state (rows and partial files),
    and partial files older than the expiry that have no row (a creation that died).
    An upload being written at that moment is left for the next run. Returns how many
    uploads were deleted; one audit row per portal records the count."""
    now = now or timezone.now()
    per_portal: Counter[Portal] = Counter()
    expired = ResumableUpload.objects.filter(expires_at__lte=now).select_related("portal")
    for upload in expired.iterator():
        try:
            with storage.partial_lock(upload.storage_name):
                _delete(upload)
        except FileNotFoundError:
            _delete(upload)
        except storage.PartialBusy:
            continue
        per_portal[upload.portal] += 1
    with transaction.atomic():
        for portal, count in per_portal.items():
            audit_record(
                actor=None,
                verb="uploads.pruned",
                target=None,
                portal=portal,
                payload={"uploads": count},
            )
    _prune_orphans(now)
    return sum(per_portal.values())


def _delete(upload: ResumableUpload) -> None:
    storage.partial_delete(upload.storage_name)
    ResumableUpload.objects.filter(pk=upload.pk).delete()


def _prune_orphans(now: datetime) -> None:
    root = Path(settings.UPLOAD_TEMP_ROOT)
    if not root.is_dir():
        return
    cutoff = (now - timedelta(hours=settings.UPLOAD_EXPIRY_HOURS)).timestamp()
    for entry in os.scandir(root):
        match = _PART.fullmatch(entry.name)
        if match is None or entry.stat().st_mtime > cutoff:
            continue
        if not ResumableUpload.objects.filter(pk=match.group(1)).exists():
            storage.partial_delete(entry.name)
