"""The partial files of resumable uploads: one file per upload under UPLOAD_TEMP_ROOT,
appended to and fsync'd before its offset is committed. Every file access of the uploads
app is in this module, so that another store (object storage) can replace it.

UPLOAD_TEMP_ROOT must be one directory shared by every application server (a PATCH may
reach any of them) on a file system with working `flock` (local disk, NFSv4)."""

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

FILE_PERMISSIONS = 0o640
DIRECTORY_PERMISSIONS = 0o750
_NAME = re.compile(r"[0-9a-f]{32}\.part")


class PartialBusy(Exception):
    """Another request holds the partial file (a PATCH or DELETE under way)."""


def _path(name: str) -> Path:
    if not _NAME.fullmatch(name):
        raise ValueError(f"Not a partial upload name: {name!r}")
    return Path(settings.UPLOAD_TEMP_ROOT) / name


def partial_name(upload_id_hex: str) -> str:
    return f"{upload_id_hex}.part"


def partial_create(name: str) -> None:
    """An empty partial file; refuses to overwrite one."""
    path = _path(name)
    path.parent.mkdir(mode=DIRECTORY_PERMISSIONS, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_PERMISSIONS))


def partial_exists(name: str) -> bool:
    return _path(name).is_file()


class PartialWriter:
    """Appends to a partial file from a given offset; `written` counts the bytes that
    went in. Use through `partial_append`."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self.written = 0

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self.written += len(data)


@contextmanager
def partial_lock(name: str) -> Iterator[None]:
    """Hold the upload's lock (an exclusive `flock` on its file, released by the kernel
    if the process dies) or raise PartialBusy at once. FileNotFoundError if it is gone."""
    # Opened for writing: on NFS, flock is emulated with POSIX locks, whose exclusive
    # kind needs a descriptor open for writing.
    fd = os.open(_path(name), os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise PartialBusy(name) from error
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def partial_append(name: str, *, at: int) -> Iterator[PartialWriter]:
    """Append from byte `at`: anything past it (written by a request that died before its
    offset was committed) is cut first. On leaving, even through an exception, what was
    written is flushed and fsync'd, so `written` bytes are durable. Hold the lock."""
    path = _path(name)
    os.truncate(path, at)
    with open(path, "ab") as file:
        writer = PartialWriter(file)
        try:
            yield writer
        finally:
            file.flush()
            os.fsync(file.fileno())


def partial_path(name: str) -> Path:
    """Where a partial file lies, for a consumer that adopts a complete one (a hard link)
    rather than copying it; the consumer must not write to it."""
    return _path(name)


def partial_open(name: str) -> BinaryIO:
    """The partial file for reading (binary)."""
    return open(_path(name), "rb")  # noqa: SIM115 - the caller closes it


def partial_delete(name: str) -> None:
    """Remove a partial file; one that is already gone is not an error."""
    _path(name).unlink(missing_ok=True)


def partial_size(name: str) -> int:
    return _path(name).stat().st_size
