"""Moving stored files from the disk (DOCUMENT_ROOT) into the configured document storage
(an object store), every file checked against the SHA-256 of its row.

Every model that keeps a file in the document storage has a `stored_name` and a `sha256`
field (StoredDocumentFields and the sealed-bid files); they are found through the app
registry, so this lower app never imports the apps that own them. The state of a move is
the store itself: a file already there with the right SHA-256 is skipped, so a run that
stopped half way is simply run again. The disk copy is removed only after the stored
object has been read back and its SHA-256 checked (or kept, with `keep_disk`)."""

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from django.apps import apps
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models

from inaproc.files.storage import HashingReader, PrivateFileSystemStorage, document_storage

logger = logging.getLogger(__name__)

CHUNK = 1 << 20

# What happened to one file.
COPIED = "copied"
ALREADY_STORED = "already stored"
WOULD_COPY = "would copy"
MISSING = "missing on disk"
DISK_MISMATCH = "disk copy differs from its SHA-256"
STORE_MISMATCH = "stored copy differs from its SHA-256"
PROBLEMS = (MISSING, DISK_MISMATCH, STORE_MISMATCH)


@dataclass
class MoveReport:
    counts: Counter = field(default_factory=Counter)  # (model label, outcome) -> files
    problems: list[tuple[str, object, str, str]] = field(default_factory=list)
    bytes_copied: int = 0
    disk_copies_removed: int = 0

    def add(self, label: str, pk: object, name: str, outcome: str) -> None:
        self.counts[(label, outcome)] += 1
        if outcome in PROBLEMS:
            self.problems.append((label, pk, name, outcome))

    @property
    def ok(self) -> bool:
        return not self.problems


def stored_file_models() -> list[type[models.Model]]:
    """The concrete models whose rows name a file of the document storage."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"stored_name", "sha256"} <= names and not model._meta.proxy:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _rows(model: type[models.Model]) -> Iterator[tuple[object, str, str]]:
    rows = model._default_manager.exclude(stored_name="").order_by("pk")
    yield from rows.values_list("pk", "stored_name", "sha256").iterator(chunk_size=500)


def _sha256_of(file: IO[bytes]) -> str:
    hasher = hashlib.sha256()
    while chunk := file.read(CHUNK):
        hasher.update(chunk)
    return hasher.hexdigest()


def _stored_sha256(store: Storage, name: str) -> str | None:
    """The SHA-256 of the stored object read back in chunks, None when there is none."""
    try:
        with store.open(name, "rb") as file:
            return _sha256_of(cast(IO[bytes], file))
    except FileNotFoundError:
        return None


MATCHES = "matches its SHA-256"
STORED_MISSING = "missing in the document storage"


@dataclass
class VerifyReport:
    counts: Counter = field(default_factory=Counter)  # (model label, outcome) -> files
    problems: list[tuple[str, object, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def documents_verify() -> VerifyReport:
    """Read back every file that a row names from the document storage (the disk or the
    object store) and compare it with the row's SHA-256: after a restore, every document
    the database names must be there, unchanged. Reads only."""
    store = document_storage()
    report = VerifyReport()
    for model in stored_file_models():
        label = model._meta.label
        for pk, name, sha256 in _rows(model):
            found = _stored_sha256(store, name)
            if found is None:
                outcome = STORED_MISSING
            elif found != sha256:
                outcome = STORE_MISMATCH
            else:
                outcome = MATCHES
            report.counts[(label, outcome)] += 1
            if outcome != MATCHES:
                report.problems.append((label, pk, name, outcome))
    return report


def documents_move_to_store(
    *, source_root: Path | None = None, dry_run: bool = False, keep_disk: bool = False
) -> MoveReport:
    """Copy every stored file of every row from the disk into the document storage, check
    it, then remove the disk copy (unless `keep_disk`). `dry_run` reads and checks the
    disk copies and asks the store what it has, and writes and removes nothing."""
    store = document_storage()
    if isinstance(store, FileSystemStorage):
        raise ValueError("The document storage is the disk: set DOCUMENT_STORAGE=s3 first.")
    disk = PrivateFileSystemStorage(location=source_root)
    report = MoveReport()
    for model in stored_file_models():
        label = model._meta.label
        for pk, name, sha256 in _rows(model):
            outcome = _move_one(store, disk, name, sha256, report, dry_run, keep_disk)
            report.add(label, pk, name, outcome)
    return report


def _move_one(store, disk, name, sha256, report, dry_run, keep_disk) -> str:
    path = Path(disk.path(name))
    if _stored_sha256(store, name) == sha256:
        if not dry_run and not keep_disk and path.exists():
            _remove_disk_copy(path, report)
        return ALREADY_STORED
    if not path.exists():
        return MISSING
    with open(path, "rb") as file:
        if _sha256_of(file) != sha256:
            return DISK_MISMATCH
    if dry_run:
        return WOULD_COPY
    with open(path, "rb") as file:
        stream = HashingReader(file, CHUNK)
        saved = store.save(name, cast(IO[bytes], stream))
    if saved != name or stream.hasher.hexdigest() != sha256:
        return STORE_MISMATCH  # the disk copy changed while it was read: kept
    if _stored_sha256(store, name) != sha256:
        return STORE_MISMATCH
    report.bytes_copied += stream.size
    if not keep_disk:
        _remove_disk_copy(path, report)
    return COPIED


def _remove_disk_copy(path: Path, report: MoveReport) -> None:
    path.unlink(missing_ok=True)
    report.disk_copies_removed += 1
    for parent in (path.parent, path.parent.parent, path.parent.parent.parent):
        try:
            os.rmdir(parent)  # only when empty: <portal>/<yyyy>/<mm>
        except OSError:
            break
