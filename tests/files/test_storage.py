"""Uploaded files go through Django's STORAGES["documents"]: the storage backend (and its
place) is a setting, so an S3-compatible backend needs no code change; stored files never
get a URL."""

import errno
import hashlib
import os
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from inaproc.files.checks import document_check
from inaproc.files.storage import (
    PrivateFileSystemStorage,
    document_delete,
    document_open,
    document_storage,
    document_store,
    file_adopt,
)
from tests.vendors.builders import pdf_bytes


def checked_pdf() -> tuple[SimpleUploadedFile, object]:
    upload = SimpleUploadedFile("surat.pdf", pdf_bytes(), content_type="application/pdf")
    return upload, document_check(upload)


def stored_paths(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_files_are_written_under_document_root_read_at_use(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "first"
    upload, checked = checked_pdf()

    stored = document_store(upload=upload, checked=checked, portal_id=7)

    [path] = stored_paths(tmp_path / "first")
    assert path.relative_to(tmp_path / "first").as_posix() == stored.name
    assert stored.name.startswith("7/") and stored.name.endswith(".pdf")
    with document_open(name=stored.name) as file:
        assert file.read() == pdf_bytes()


class ElsewhereStorage(FileSystemStorage):
    """Stands for another backend named in the settings (e.g. an S3-compatible one)."""


def test_the_documents_storage_is_the_one_the_settings_name(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": f"{__name__}.ElsewhereStorage",
            "OPTIONS": {"location": str(tmp_path / "elsewhere")},
        },
    }
    upload, checked = checked_pdf()

    stored = document_store(upload=upload, checked=checked, portal_id=3)

    assert isinstance(document_storage(), ElsewhereStorage)
    assert stored_paths(tmp_path / "elsewhere") == [tmp_path / "elsewhere" / stored.name]
    document_delete(name=stored.name)
    assert stored_paths(tmp_path / "elsewhere") == []


def test_the_default_storage_has_no_url(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path

    with pytest.raises(NotImplementedError):
        PrivateFileSystemStorage().url("1/2026/12/" + "a" * 32 + ".pdf")


def test_a_name_that_is_not_a_stored_name_is_refused(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path

    for name in ["../settings.py", "/etc/passwd", "1/2026/12/x.pdf"]:
        with pytest.raises(ValueError):
            document_open(name=name)


def a_finished_upload(tmp_path: Path, data: bytes) -> Path:
    source = tmp_path / "partial"
    source.write_bytes(data)
    return source


def test_an_adopted_file_on_the_same_disk_is_linked_not_copied(settings, tmp_path):
    """A finished resumable upload becomes a stored document without its bytes being
    written again: the stored file is the same inode, and it outlives the partial."""
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    data = b"sealed bytes " * 1000
    source = a_finished_upload(tmp_path, data)

    stored = file_adopt(
        path=source, portal_id=3, extension="inpseal", content_type="application/octet-stream"
    )
    [path] = stored_paths(tmp_path / "documents")

    assert path.stat().st_ino == source.stat().st_ino
    assert (stored.sha256, stored.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert stored.name.startswith("3/") and stored.name.endswith(".inpseal")
    source.unlink()
    with document_open(name=stored.name) as file:
        assert file.read() == data


def test_an_adopted_file_on_another_disk_is_copied(settings, tmp_path, monkeypatch):
    """Where a hard link cannot be made (another device), the file is streamed in and the
    result is the same document."""
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    data = b"other disk " * 1000
    source = a_finished_upload(tmp_path, data)

    def cross_device(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    stored = file_adopt(
        path=source, portal_id=3, extension="inpseal", content_type="application/octet-stream"
    )
    [path] = stored_paths(tmp_path / "documents")

    assert path.stat().st_ino != source.stat().st_ino
    assert path.read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_adopting_a_missing_file_fails_and_stores_nothing(settings, tmp_path):
    """Any other failure (here: the upload's file is gone) is an error, not a silent copy
    of nothing."""
    settings.DOCUMENT_ROOT = tmp_path / "documents"

    with pytest.raises(FileNotFoundError):
        file_adopt(
            path=tmp_path / "gone",
            portal_id=3,
            extension="inpseal",
            content_type="application/octet-stream",
        )
    assert stored_paths(tmp_path / "documents") == []
