"""Documents on an S3-compatible object store (DOCUMENT_STORAGE=s3), tested against a real
server process (moto_server, tests/s3server.py): private objects without URLs, streamed in
both directions, served only through the app's access-checked response."""

import hashlib
import io
import json
import os
import subprocess
import tracemalloc

import pytest
from django.http import Http404
from django.test import Client, RequestFactory

from inaproc.files import objectstore
from inaproc.files.models import HeldUpload
from inaproc.files.objectstore import ObjectReader, PrivateS3Storage
from inaproc.files.responses import STREAM_BLOCK_BYTES, stored_file_response
from inaproc.files.storage import (
    document_delete,
    document_open,
    document_storage,
    document_store,
    file_adopt,
    stream_store,
)
from tests.files.test_storage import checked_pdf
from tests.processes import run_python
from tests.vendors.builders import pdf_bytes

MIB = 1024 * 1024
BIG = 24 * MIB  # three parts of the multipart upload


class ReadsRecorded(io.RawIOBase):
    """A source of `size` random bytes made as they are read, recording each read's
    size: nothing holds the whole file."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.reads: list[int] = []
        self.hasher = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        self.reads.append(size)
        data = os.urandom(size)  # one allocation of the size asked
        self.remaining -= size
        self.hasher.update(data)
        return data


def object_bytes(s3_server, bucket: str, name: str) -> bytes:
    return s3_server.client().get_object(Bucket=bucket, Key=name)["Body"].read()


def held(stored, *, size=None) -> HeldUpload:
    """An unsaved row that points at a stored file (what stored_file_response is given
    after an access check)."""
    return HeldUpload(
        kind="dokumen",
        stored_name=stored.name,
        original_name="berkas.bin",
        content_type=stored.content_type,
        size=stored.size if size is None else size,
        sha256=stored.sha256,
    )


def test_a_checked_document_is_a_private_object_named_as_on_disk(s3_server, s3_documents):
    """document_store writes the checked bytes as an object under the stored name, with a
    private ACL (no grant to anyone but the owner), and reads and deletes it back."""
    upload, checked = checked_pdf()

    stored = document_store(upload=upload, checked=checked, portal_id=7)

    assert isinstance(document_storage(), PrivateS3Storage)
    assert stored.name.startswith("7/") and stored.name.endswith(".pdf")
    assert object_bytes(s3_server, s3_documents, stored.name) == pdf_bytes()
    grants = s3_server.client().get_object_acl(Bucket=s3_documents, Key=stored.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert "URI" not in grants[0]["Grantee"]  # not AllUsers / AuthenticatedUsers
    with document_open(name=stored.name) as file:
        assert file.read() == pdf_bytes()
    document_delete(name=stored.name)
    document_delete(name=stored.name)  # already gone: no error
    listed = s3_server.client().list_objects_v2(Bucket=s3_documents)
    assert listed.get("KeyCount", 0) == 0


def test_the_object_store_gives_no_url(s3_documents):
    """No presigned (or public) URL: a file reaches a browser only through a view that
    checked access."""
    with pytest.raises(NotImplementedError):
        document_storage().url("1/2025/01/" + "a" * 32 + ".pdf")


def test_a_missing_object_is_file_not_found_and_a_404(s3_documents, caplog):
    """A row whose object is gone: document_open raises FileNotFoundError (as on disk) and
    the response is the same 404 as for a missing file on disk, logged."""
    name = "1/2025/01/" + "b" * 32 + ".pdf"
    with pytest.raises(FileNotFoundError):
        document_open(name=name)

    document = HeldUpload(
        stored_name=name, original_name="x.pdf", content_type="application/pdf", size=1
    )
    with pytest.raises(Http404):
        stored_file_response(RequestFactory().get("/"), document, download=False)
    assert "has no readable file" in caplog.text


def test_a_changed_upload_is_refused_and_no_object_is_left(s3_server, s3_documents):
    """The bytes are hashed as they are sent: an upload that differs from what was checked
    is removed from the store and refused."""
    upload, checked = checked_pdf()
    upload.file = io.BytesIO(pdf_bytes() + b"% appended after the check\n")

    with pytest.raises(ValueError, match="differ"):
        document_store(upload=upload, checked=checked, portal_id=7)

    assert s3_server.client().list_objects_v2(Bucket=s3_documents).get("KeyCount", 0) == 0


def test_a_large_stream_is_uploaded_in_parts_never_read_whole(s3_server, s3_documents, monkeypatch):
    """A 48 MiB sealed bid goes up as a multipart upload: no read of the source asks for
    more than one part, and the memory allocated is a few parts (boto3 keeps the part
    being sent, one read ahead and the slices it cuts them from; here with S3's smallest
    part size), whatever the file's size. The SHA-256 recorded is that of the object."""
    part, size = 5 * MIB, 48 * MIB
    monkeypatch.setattr(objectstore, "PART_BYTES", part)
    monkeypatch.setattr(objectstore, "CONCURRENCY", 1)
    monkeypatch.setattr(objectstore, "IN_MEMORY_PARTS", 1)
    source = ReadsRecorded(size)

    tracemalloc.start()
    try:
        stored = stream_store(
            source=source, portal_id=4, extension="inpseal", content_type="application/x-sealed"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stored.size == size
    assert stored.sha256 == source.hasher.hexdigest()
    assert max(source.reads) <= part
    assert peak < 6 * part, f"peak {peak / MIB:.1f} MiB for a {size / MIB:.0f} MiB upload"
    head = s3_server.client().head_object(Bucket=s3_documents, Key=stored.name, PartNumber=1)
    assert head["PartsCount"] == 10
    assert hashlib.sha256(object_bytes(s3_server, s3_documents, stored.name)).hexdigest() == (
        stored.sha256
    )


def test_a_large_object_is_served_in_blocks_never_read_whole(s3_documents):
    """Downloading streams the object off the store's response in blocks of
    STREAM_BLOCK_BYTES with the object's length: no block is the whole file, the memory
    allocated stays far below its size, and the bytes are the stored ones."""
    source = ReadsRecorded(BIG)
    stored = stream_store(
        source=source, portal_id=4, extension="bin", content_type="application/octet-stream"
    )

    tracemalloc.start()
    try:
        response = stored_file_response(RequestFactory().get("/"), held(stored), download=True)
        hasher, blocks = hashlib.sha256(), []
        for block in response.streaming_content:
            blocks.append(len(block))
            hasher.update(block)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    response.file_to_stream.close()  # (response.close() would signal request_finished)

    assert response["Content-Length"] == str(BIG)
    assert hasher.hexdigest() == stored.sha256
    assert max(blocks) == STREAM_BLOCK_BYTES and sum(blocks) == BIG
    assert peak < 4 * MIB, f"peak {peak / MIB:.1f} MiB to serve {BIG / MIB:.0f} MiB"


def test_a_head_request_does_not_touch_the_store(s3_documents, monkeypatch):
    """HEAD answers from the row (type, length, headers) without a GET to the store."""
    upload, checked = checked_pdf()
    stored = document_store(upload=upload, checked=checked, portal_id=7)
    monkeypatch.setattr(PrivateS3Storage, "_open", lambda *a, **k: pytest.fail("opened"))

    response = stored_file_response(RequestFactory().head("/"), held(stored), download=False)

    assert response.status_code == 200
    assert response["Content-Length"] == str(stored.size)


def test_the_object_reader_reads_in_the_callers_chunks(s3_documents):
    """What document_open gives on the store: reads of the asked size off the wire, a
    read of everything, then empty; not seekable, no file descriptor (so a server does
    not try sendfile); closed by `with`."""
    data = bytes(range(256)) * 1000
    stored = stream_store(source=io.BytesIO(data), portal_id=1, extension="bin", content_type="x/y")

    with document_open(name=stored.name) as file:
        assert isinstance(file, ObjectReader)
        assert file.size == len(data)
        assert not file.seekable()
        with pytest.raises(OSError):
            file.fileno()
        assert file.read(1000) == data[:1000]
        assert file.read() == data[1000:]
        assert file.read(10) == b""
    assert file.closed


def test_a_finished_upload_is_streamed_into_the_store(tmp_path, s3_server, s3_documents):
    """file_adopt cannot hard-link into an object store: the finished resumable upload is
    streamed in, with the SHA-256 of the stored bytes (UPLOAD_TEMP_ROOT stays a shared
    file system; the caller removes the partial file)."""
    data = os.urandom(3 * MIB)
    source = tmp_path / "partial"
    source.write_bytes(data)

    stored = file_adopt(
        path=source, portal_id=3, extension="inpseal", content_type="application/octet-stream"
    )

    assert (stored.sha256, stored.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert object_bytes(s3_server, s3_documents, stored.name) == data
    assert source.exists()


def settings_of(environment: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import json; from config.settings import base; "
        "print(json.dumps(base.STORAGES['documents']))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCUMENT_", "S3_"))}
    return run_python(code, env={**env, **environment})


def test_the_environment_selects_the_object_store(s3_server):
    """DOCUMENT_STORAGE=s3 and the S3_* variables configure the private S3 storage; the
    default stays the disk (make run); any other value refuses to start."""
    configured = settings_of(s3_server.environment("documents"))
    default = settings_of({})
    wrong = settings_of({"DOCUMENT_STORAGE": "ftp"})

    assert json.loads(configured.stdout) == {
        "BACKEND": "inaproc.files.objectstore.PrivateS3Storage",
        "OPTIONS": {
            **s3_server.storage_options("documents"),
            "location": "",
            "default_acl": "private",
            "verify": None,
        },
    }
    assert json.loads(default.stdout) == {
        "BACKEND": "inaproc.files.storage.PrivateFileSystemStorage"
    }
    assert wrong.returncode != 0 and "DOCUMENT_STORAGE must be" in wrong.stderr


@pytest.mark.django_db
def test_a_document_on_the_store_reaches_its_owner_and_no_one_else(
    s3_documents, portal_a, portal_b
):
    """Through the real pages: a registration's documents are stored in the bucket, the
    company's user downloads the stored bytes (streamed, with the strict headers), and a
    user of another portal and an anonymous visitor get the same 404 as for a missing
    document."""
    from tests.factories import make_user
    from tests.helpers import signed_in
    from tests.vendors.change_builders import approved

    registration = approved(portal_a)
    document = registration.company.documents.get(kind="nib")
    page = f"/lpse-a/dokumen/{document.public_id}/"

    owner = signed_in(registration.applicant).get(page)
    stranger = signed_in(make_user(portal_b)).get(page.replace("lpse-a", "lpse-b"))
    anonymous = Client().get(page)

    assert owner.status_code == 200
    content = b"".join(owner.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert owner["Content-Length"] == str(document.size)
    assert owner["Content-Security-Policy"].endswith("sandbox")
    assert stranger.status_code == 404
    assert anonymous.status_code == 404


@pytest.mark.django_db
def test_readiness_asks_the_object_store(client, settings, s3_server, s3_documents):
    """/readyz checks the object store as it checks a disk: ready while the store
    answers, not ready (503) when it cannot be reached or the bucket is gone."""
    from tests.s3server import free_port

    ready = client.get("/readyz")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "inaproc.files.objectstore.PrivateS3Storage",
            "OPTIONS": {
                **s3_server.storage_options(s3_documents),
                "endpoint_url": f"http://127.0.0.1:{free_port()}",  # nothing listens
            },
        },
    }
    unreachable = client.get("/readyz")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "inaproc.files.objectstore.PrivateS3Storage",
            "OPTIONS": s3_server.storage_options("inaproc-no-such-bucket"),
        },
    }
    no_bucket = client.get("/readyz")

    assert ready.status_code == 200 and ready.json()["checks"]["storage"]["ok"] is True
    assert unreachable.status_code == 503
    assert unreachable.json()["checks"]["storage"]["ok"] is False
    assert no_bucket.status_code == 503  # a HEAD of an object would answer 404 alike
