"""Requests at once on one upload (PostgreSQL, each in its own thread and connection):
two PATCHes never interleave, and a DELETE racing a PATCH leaves a consistent upload."""

import hashlib
import os
import time

import pytest

from inaproc.uploads import storage
from inaproc.uploads.models import ResumableUpload, UploadState
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once, signed_in
from tests.uploads.conftest import TUS, create
from tests.uploads.urls import DemoPolicy

pytestmark = [*POSTGRESQL_CONCURRENT, pytest.mark.urls("tests.uploads.urls")]

DATA = os.urandom(100_000)


class SlowBody:
    """A request body that arrives in 10 pieces over about half a second."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def read(self, size: int = -1) -> bytes:
        time.sleep(0.05)
        n = min(10_000, len(self._data) if size < 0 else size)
        chunk, self._data = self._data[:n], self._data[n:]
        return chunk


def slow_patch(client, location: str, offset: int, data: bytes):
    return client.generic(
        "PATCH",
        location,
        headers={**TUS, "Upload-Offset": str(offset)},
        CONTENT_TYPE="application/offset+octet-stream",
        CONTENT_LENGTH=str(len(data)),
        **{"wsgi.input": SlowBody(data)},
    )


def test_two_patches_at_once_do_not_interleave(vendor_a):
    """Two PATCHes of the same piece at the same moment: one writes, the other is told
    the upload is busy (423); the file holds the piece once."""
    location = create(signed_in(vendor_a), len(DATA))["Location"]
    clients = [signed_in(vendor_a), signed_in(vendor_a)]

    responses = all_at_once([lambda c=c: slow_patch(c, location, 0, DATA) for c in clients])

    assert sorted(r.status_code for r in responses) == [204, 423]
    upload = ResumableUpload.objects.get()
    assert upload.offset == len(DATA)
    assert DemoPolicy.completed[0][1] == hashlib.sha256(DATA).hexdigest()


def test_a_delete_racing_a_patch_leaves_a_consistent_upload(vendor_a):
    """DELETE and PATCH at once: either the PATCH finishes and the DELETE is refused as
    busy, or the upload is terminated and the PATCH refused; never a half state."""
    location = create(signed_in(vendor_a), len(DATA))["Location"]
    writer, deleter = signed_in(vendor_a), signed_in(vendor_a)

    patched, deleted = all_at_once(
        [
            lambda: slow_patch(writer, location, 0, DATA),
            lambda: deleter.delete(location, headers=TUS),
        ]
    )

    upload = ResumableUpload.objects.get()
    if deleted.status_code == 204:
        # Refused after the DELETE (gone) or while it held the upload (busy).
        assert patched.status_code in {404, 410, 423}
        assert upload.state == UploadState.TERMINATED
        assert not storage.partial_exists(upload.storage_name)
    else:
        assert (patched.status_code, deleted.status_code) == (204, 423)
        assert upload.state == UploadState.CONSUMED
