"""`documents_to_object_store`: every stored file of every row moves from DOCUMENT_ROOT into
the object store (a real S3-compatible server), checked against its row's SHA-256 and read
back before the disk copy goes; idempotent, resumable, with a dry run and a report."""

import hashlib
import io
import os
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from inaproc.files.models import HeldUpload
from inaproc.files.relocation import stored_file_models
from inaproc.files.storage import PrivateFileSystemStorage

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return tmp_path / "documents"


def on_disk(root, portal, data: bytes, *, sha256: str | None = None) -> HeldUpload:
    """A file written to the disk as the disk storage writes it, and its row."""
    name = f"{portal.pk}/2025/01/{uuid.uuid4().hex}.pdf"
    PrivateFileSystemStorage(location=root).save(name, ContentFile(data))
    return HeldUpload.objects.create(
        portal=portal,
        key_hash="k" * 64,
        kind="dokumen",
        stored_name=name,
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
    )


def run(*args: str) -> tuple[str, str, CommandError | None]:
    """The command's output, its errors' output, and the error it ended with (if any)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("documents_to_object_store", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def stored(s3_server, bucket: str) -> dict[str, bytes]:
    client = s3_server.client()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: client.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def test_every_model_that_keeps_a_stored_file_is_found():
    """The command finds the rows through the app registry (files cannot import the apps
    above it): every model with a stored file, and nothing else; a new one (objection
    attachments, award letters) is found without a change to the command."""
    labels = {model._meta.label for model in stored_file_models()}

    assert labels == {
        "award.AwardLetter",
        "bids.OpenedFile",
        "bids.SealedFile",
        "files.HeldUpload",
        "helpdesk.TicketAttachment",
        "objections.ObjectionAttachment",
        "tenders.QuestionAttachment",
        "tenders.TenderDocument",
        "vendors.Document",
        "vendors.ProposedDocument",
    }


def test_files_move_checked_and_a_second_run_finds_them_stored(
    disk_root, portal_a, s3_server, s3_documents
):
    """Every file is copied under its own name with its bytes, the disk copies and their
    emptied folders go; run again, nothing is copied and everything is already stored."""
    rows = [on_disk(disk_root, portal_a, os.urandom(1000 + i)) for i in range(3)]

    out, _, error = run()
    assert error is None

    objects = stored(s3_server, s3_documents)
    assert set(objects) == {r.stored_name for r in rows}
    assert all(hashlib.sha256(objects[r.stored_name]).hexdigest() == r.sha256 for r in rows)
    assert "files.HeldUpload: 3 copied" in out
    assert "3 disk copies removed" in out
    assert not any(p.is_file() for p in disk_root.rglob("*"))
    assert not (disk_root / str(portal_a.pk)).exists()

    again, _, _ = run()
    assert "files.HeldUpload: 3 already stored" in again
    assert "0 bytes copied; 0 disk copies removed" in again


def test_a_dry_run_checks_and_changes_nothing(disk_root, portal_a, s3_server, s3_documents):
    """--dry-run reads the disk copies and asks the store, and writes nothing."""
    row = on_disk(disk_root, portal_a, b"%PDF- dry")

    out, _, _ = run("--dry-run")

    assert "files.HeldUpload: 1 would copy" in out
    assert stored(s3_server, s3_documents) == {}
    assert (disk_root / row.stored_name).read_bytes() == b"%PDF- dry"


def test_keep_disk_leaves_the_disk_copies(disk_root, portal_a, s3_server, s3_documents):
    """--keep-disk stores and checks, and leaves the disk as it was."""
    row = on_disk(disk_root, portal_a, b"%PDF- kept")

    out, _, _ = run("--keep-disk")

    assert stored(s3_server, s3_documents) == {row.stored_name: b"%PDF- kept"}
    assert (disk_root / row.stored_name).read_bytes() == b"%PDF- kept"
    assert "0 disk copies removed" in out


def test_missing_or_changed_disk_copies_are_reported_kept_and_fail_the_run(
    disk_root, portal_a, s3_server, s3_documents
):
    """A file whose disk copy is gone or differs from its SHA-256 is named in the report
    (model, id, name), not stored, its disk copy kept; the others move; the command ends
    with an error so that a script notices."""
    good = on_disk(disk_root, portal_a, b"%PDF- good")
    changed = on_disk(disk_root, portal_a, b"%PDF- changed", sha256="0" * 64)
    gone = on_disk(disk_root, portal_a, b"%PDF- gone")
    (disk_root / gone.stored_name).unlink()

    _, err, error = run()

    assert "2 file(s) could not be moved" in str(error)
    assert set(stored(s3_server, s3_documents)) == {good.stored_name}
    assert (disk_root / changed.stored_name).exists()
    assert f"files.HeldUpload {changed.pk} ({changed.stored_name}): disk copy differs" in err
    assert f"files.HeldUpload {gone.pk} ({gone.stored_name}): missing on disk" in err


def test_a_stopped_run_is_resumed(disk_root, portal_a, s3_server, s3_documents):
    """What a stop leaves: an object stored and checked whose disk copy was not removed
    yet (it is removed, counted as stored), and a partly written or wrong object (it is
    written again from the disk and checked)."""
    done = on_disk(disk_root, portal_a, b"%PDF- done")
    broken = on_disk(disk_root, portal_a, b"%PDF- whole file")
    client = s3_server.client()
    client.put_object(Bucket=s3_documents, Key=done.stored_name, Body=b"%PDF- done")
    client.put_object(Bucket=s3_documents, Key=broken.stored_name, Body=b"%PDF- who")

    out, _, error = run()
    assert error is None

    assert stored(s3_server, s3_documents) == {
        done.stored_name: b"%PDF- done",
        broken.stored_name: b"%PDF- whole file",
    }
    assert "files.HeldUpload: 1 already stored" in out
    assert "files.HeldUpload: 1 copied" in out
    assert not (disk_root / done.stored_name).exists()


def test_the_command_refuses_when_the_documents_are_on_disk(disk_root, portal_a):
    """Without DOCUMENT_STORAGE=s3 there is nowhere to move to: an error, nothing touched."""
    row = on_disk(disk_root, portal_a, b"%PDF- stays")

    _, _, error = run()

    assert "DOCUMENT_STORAGE=s3" in str(error)
    assert (disk_root / row.stored_name).exists()
