"""Storing checked uploads under random names in a storage without URLs.

The storage is Django's `STORAGES["documents"]` (by default `PrivateFileSystemStorage` in
DOCUMENT_ROOT), so an S3-compatible backend can be configured without code changes. A
stored file is only ever served through an access-checked view (`files.responses`).
"""

import errno
import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from inaproc.files.checks import CheckedDocument

FILE_PERMISSIONS = 0o640
DIRECTORY_PERMISSIONS = 0o750
STORAGE_ALIAS = "documents"
# Checked documents, sealed bids and the files opened from them (bids).
_STORED_NAME = re.compile(r"\d+/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|jpeg|png|inpseal|bin)")


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int
    content_type: str


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage with no URL, in DOCUMENT_ROOT unless given a `location`:
    files are served only through a view that checks access (a plain FileSystemStorage
    with base_url=None falls back to MEDIA_URL). The root is read from the settings on
    each use, so a test that points DOCUMENT_ROOT elsewhere is obeyed."""

    def __init__(self, location=None, **kwargs) -> None:
        kwargs.setdefault("file_permissions_mode", FILE_PERMISSIONS)
        kwargs.setdefault("directory_permissions_mode", DIRECTORY_PERMISSIONS)
        super().__init__(location=location, **kwargs)
        self._own_location = location

    @property
    def base_location(self) -> str:
        if self._own_location is not None:
            return str(self._own_location)
        default_root = os.path.join(str(settings.MEDIA_ROOT), "documents")
        return str(getattr(settings, "DOCUMENT_ROOT", default_root))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Stored files have no URL; serve them through an access check.")


def document_storage() -> Storage:
    return storages[STORAGE_ALIAS]


class HashingReader:
    """Feeds the storage a stream's bytes while hashing and counting them, read once front
    to back: through `chunks()` (a file system storage) or `read()` (an object store's
    multipart upload), so what is hashed is exactly what the storage took, in order.

    It deliberately has no `temporary_file_path`: given a TemporaryUploadedFile, the storage
    would otherwise *move* the temporary file into place, and we could not tell whether the
    bytes it moved are the bytes `document_check` read. Streaming through this wrapper costs
    one copy of at most DOCUMENT_MAX_BYTES, and proves the stored bytes are the checked ones.
    It is not seekable, so no storage can re-read (and re-hash) a part of it."""

    closed = False

    def __init__(self, source: IO[bytes], chunk_size: int = 1 << 20) -> None:
        self._source = source
        self._chunk_size = chunk_size
        self.name = "stream"
        self.hasher = hashlib.sha256()
        self.size = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = self._source.read(-1 if size is None else size)
        self.size += len(chunk)
        self.hasher.update(chunk)
        return chunk

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        while chunk := self.read(chunk_size or self._chunk_size):
            yield chunk

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


def document_store(*, upload: UploadedFile, checked: CheckedDocument, portal_id: int) -> StoredFile:
    """Write a checked upload under `<portal_id>/<yyyy>/<mm>/<random>.<ext>`.

    The bytes are re-hashed while they are written; if they differ from what was checked
    (the upload changed, or it is not the upload that was checked) the file is removed and
    ValueError raised, so a stored file always matches its recorded SHA-256."""
    storage = document_storage()
    wanted = _new_name(portal_id, checked.extension)
    upload.seek(0)
    stream = HashingReader(cast(IO[bytes], upload))
    try:
        # A stream with chunks() is all Storage.save reads (typed as a file object).
        name = storage.save(wanted, cast(IO[bytes], stream))
    except BaseException:
        storage.delete(wanted)  # a partly written file; the random name is ours alone
        raise
    finally:
        upload.seek(0)
    if stream.hasher.hexdigest() != checked.sha256 or stream.size != checked.size:
        storage.delete(name)
        raise ValueError("The upload's bytes differ from the checked document; not stored.")
    return StoredFile(
        name=name, sha256=checked.sha256, size=checked.size, content_type=checked.content_type
    )


def _new_name(portal_id: int, extension: str) -> str:
    now = timezone.now()
    return _valid_name(f"{int(portal_id)}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}")


def stream_store(
    *, source: IO[bytes], portal_id: int, extension: str, content_type: str
) -> StoredFile:
    """Write a binary stream read to its end (a sealed bid, a file opened from one) under
    a random name, never holding it whole in memory; the SHA-256 and size are those of
    the bytes written."""
    storage = document_storage()
    wanted = _new_name(portal_id, extension)
    stream = HashingReader(source)
    try:
        name = storage.save(wanted, cast(IO[bytes], stream))
    except BaseException:
        storage.delete(wanted)
        raise
    return StoredFile(
        name=name, sha256=stream.hasher.hexdigest(), size=stream.size, content_type=content_type
    )


# Why a hard link cannot be made: another file system, or one without hard links.
_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP, errno.ENOTSUP}


def file_adopt(
    *, path: Path, portal_id: int, extension: str, content_type: str, sha256: str | None = None
) -> StoredFile:
    """Store a complete, durable file that the caller removes afterwards (a finished
    resumable upload, fsync'd before it was marked complete) under a random name.

    When the documents live on this machine's file system, on the same device, the file is
    hard-linked into place: its bytes are neither copied nor written a second time, only
    read once for their SHA-256 (and the new directory entry is fsync'd). Otherwise (object
    storage, another device) it is streamed in as `stream_store` does. The SHA-256 and size
    are those of the stored bytes; `sha256`, when the caller computed it from the very
    bytes it wrote to `path` (a resumable upload received in one request), spares the
    read."""
    storage = document_storage()
    if isinstance(storage, FileSystemStorage):
        wanted = _new_name(portal_id, extension)
        target = Path(storage.path(wanted))
        target.parent.mkdir(mode=DIRECTORY_PERMISSIONS, parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError as error:
            if error.errno not in _NO_LINK:
                raise
        else:
            try:
                _fsync_directory(target.parent)
                if sha256 is None:
                    sha256, size = _hash_file(target)
                else:
                    size = target.stat().st_size
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return StoredFile(name=wanted, sha256=sha256, size=size, content_type=content_type)
    with open(path, "rb") as source:
        return stream_store(
            source=source, portal_id=portal_id, extension=extension, content_type=content_type
        )


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hash_file(path: Path) -> tuple[str, int]:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest(), os.fstat(file.fileno()).st_size


def _valid_name(name: str) -> str:
    if not _STORED_NAME.fullmatch(name):
        raise ValueError(f"Not a stored document name: {name!r}")
    return name


def document_open(*, name: str) -> IO[bytes]:
    """Open a stored document for reading (binary), a context manager to read in chunks
    (on an object store it is not seekable: `files.objectstore.ObjectReader`). A missing
    file raises FileNotFoundError. Call only after an access check."""
    return cast(IO[bytes], document_storage().open(_valid_name(name), "rb"))


def document_delete(*, name: str) -> None:
    """Remove a stored document; removing one that is already gone is not an error."""
    document_storage().delete(_valid_name(name))
