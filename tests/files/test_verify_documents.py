"""`verify_documents`: after a restore, every file a row names is read back from the
document storage and checked against the row's SHA-256; a missing or changed file is
named and the command fails (docs/operations.md, "Backups and restores")."""

import hashlib
import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from inaproc.files.models import HeldUpload
from inaproc.files.storage import PrivateFileSystemStorage

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return tmp_path / "documents"


def stored(root, portal, data: bytes, *, write: bool = True) -> HeldUpload:
    name = f"{portal.pk}/2025/01/{uuid.uuid4().hex}.pdf"
    if write:
        PrivateFileSystemStorage(location=root).save(name, ContentFile(data))
    return HeldUpload.objects.create(
        portal=portal,
        key_hash="k" * 64,
        kind="dokumen",
        stored_name=name,
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def run() -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_documents", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_every_restored_file_matching_its_row_passes(disk_root, portal_a):
    """A complete restore: every file there, unchanged; the count says how many."""
    stored(disk_root, portal_a, b"%PDF-1 one")
    stored(disk_root, portal_a, b"%PDF-1 two")

    out, _err, error = run()

    assert error is None
    assert "2 file(s) match their SHA-256." in out


def test_a_missing_or_changed_file_is_named_and_fails(disk_root, portal_a):
    """A restore that lost a file or holds another version of it does not pass: each is
    named with its row, so the operator knows which documents to recover."""
    stored(disk_root, portal_a, b"%PDF-1 fine")
    missing = stored(disk_root, portal_a, b"%PDF-1 lost", write=False)
    changed = stored(disk_root, portal_a, b"%PDF-1 original")
    (disk_root / changed.stored_name).write_bytes(b"%PDF-1 tampered")

    out, err, error = run()

    assert error is not None
    assert "2 of 3 file(s) missing or changed." in str(error)
    assert f"{missing.stored_name}): missing in the document storage" in err
    assert f"{changed.stored_name}): stored copy differs from its SHA-256" in err
    assert "1 matches its SHA-256" in out
