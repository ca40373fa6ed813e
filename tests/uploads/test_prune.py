"""Expiry: `prune_uploads` (and its task) delete expired uploads, rows and files, in
every state, and partial files left without a row; nothing younger is touched."""

import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from inaproc.audit.models import AuditEvent
from inaproc.uploads import storage
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.uploads.selectors import upload_open_completed
from inaproc.uploads.services import upload_consume, upload_create
from inaproc.uploads.tasks import prune_uploads
from tests.factories import make_user
from tests.helpers import run_task_worker


def make_upload(portal, owner, *, hours_ago: float = 0, state: str = UploadState.RECEIVING):
    upload = upload_create(
        portal=portal,
        owner_id=owner.pk,
        owner_key=f"user:{owner.pk}",
        purpose="test",
        target="demo/1",
        length=10,
        metadata={},
        now=timezone.now() - timedelta(hours=hours_ago),
    )
    ResumableUpload.objects.filter(pk=upload.pk).update(state=state)
    return upload


@pytest.mark.parametrize("state", list(UploadState))
def test_expired_uploads_of_every_state_go_with_their_files(portal_a, vendor_a, state):
    """An upload created more than 24 hours ago is deleted, whatever its state."""
    old = make_upload(portal_a, vendor_a, hours_ago=24.1, state=state)
    young = make_upload(portal_a, vendor_a, hours_ago=23.9, state=state)

    call_command("prune_uploads", verbosity=0)

    assert list(ResumableUpload.objects.values_list("pk", flat=True)) == [young.pk]
    assert not storage.partial_exists(old.storage_name)
    assert storage.partial_exists(young.storage_name)


def test_prune_records_one_audit_row_per_portal(portal_a, portal_b, vendor_a):
    """The system's deletion is audited with counts per portal, and nothing when idle."""
    other = make_user(portal_b, username="vb")
    make_upload(portal_a, vendor_a, hours_ago=30)
    make_upload(portal_a, vendor_a, hours_ago=30)
    make_upload(portal_b, other, hours_ago=30)

    call_command("prune_uploads", verbosity=0)
    call_command("prune_uploads", verbosity=0)

    events = AuditEvent.objects.filter(verb="uploads.pruned").order_by("portal__slug")
    assert [(e.portal.slug, e.payload) for e in events] == [
        ("lpse-a", {"uploads": 2}),
        ("lpse-b", {"uploads": 1}),
    ]


def test_an_upload_being_written_is_left_for_the_next_run(portal_a, vendor_a):
    """An expired upload whose file is held by a request under way is not deleted now."""
    upload = make_upload(portal_a, vendor_a, hours_ago=30)

    with storage.partial_lock(upload.storage_name):
        call_command("prune_uploads", verbosity=0)
    kept = ResumableUpload.objects.filter(pk=upload.pk).exists()
    call_command("prune_uploads", verbosity=0)

    assert kept
    assert not ResumableUpload.objects.exists()


def test_old_partial_files_without_a_row_are_removed(upload_root, db):
    """A file whose creation died before its row was saved goes once it is older than
    the expiry; a young one (a creation under way) and foreign files stay."""
    upload_root.mkdir(parents=True, exist_ok=True)
    old, young, foreign = "a" * 32 + ".part", "b" * 32 + ".part", "notes.txt"
    for name in (old, young, foreign):
        (upload_root / name).write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(upload_root / old, (day_ago, day_ago))
    os.utime(upload_root / foreign, (day_ago, day_ago))

    call_command("prune_uploads", verbosity=0)

    assert sorted(p.name for p in upload_root.iterdir()) == sorted([young, foreign])


def test_the_task_prunes_too(portal_a, vendor_a):
    """The django-tasks task does what the command does."""
    make_upload(portal_a, vendor_a, hours_ago=30)

    prune_uploads.enqueue()
    run_task_worker()

    assert not ResumableUpload.objects.exists()


def test_consume_and_open_need_a_complete_upload(portal_a, vendor_a):
    """Only a complete upload can be read or consumed by the caller."""
    upload = make_upload(portal_a, vendor_a)

    with pytest.raises(ValueError):
        upload_open_completed(upload=upload)
    with pytest.raises(ValueError):
        upload_consume(upload=upload)
