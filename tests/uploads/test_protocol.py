"""The tus 1.0 endpoint through Django's test client: creation, offsets, limits,
expiry, termination, ownership, interrupted bodies and locking."""

import hashlib
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from prometheus_client import REGISTRY

from inaproc.portals.cookies import portal_cookie_name
from inaproc.uploads import storage
from inaproc.uploads.models import ResumableUpload, UploadState
from tests.factories import make_user
from tests.helpers import signed_in
from tests.uploads.conftest import CREATE_URL, TUS, create, head, metadata, patch
from tests.uploads.urls import DemoPolicy

pytestmark = pytest.mark.urls("tests.uploads.urls")

DATA = os.urandom(300 * 1024)


def the_upload() -> ResumableUpload:
    return ResumableUpload.objects.get()


def test_options_announces_version_extensions_and_max_size(vendor_client):
    """OPTIONS tells a client what the server speaks, without Tus-Resumable."""
    response = vendor_client.options(CREATE_URL)

    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,creation-with-upload,expiration,termination"
    assert response["Tus-Max-Size"] == str(DemoPolicy.max_size)


def test_create_answers_201_with_location_expiry_and_stores_the_metadata(vendor_client, vendor_a):
    """POST creates an upload owned by the user, with an unguessable URL and an expiry."""
    response = create(vendor_client, len(DATA))

    assert response.status_code == 201
    upload = the_upload()
    assert response["Location"] == f"http://testserver/lpse-a/unggah/{upload.pk}/"
    assert response["Tus-Resumable"] == "1.0.0"
    assert "GMT" in response["Upload-Expires"]
    assert upload.owner == vendor_a
    assert upload.owner_key == f"user:{vendor_a.pk}"
    assert (upload.purpose, upload.target) == ("test", "demo/1")
    assert upload.metadata == {"filename": "a.bin"}
    assert upload.length == len(DATA)
    assert upload.expires_at - upload.created_at == timedelta(hours=24)
    assert storage.partial_size(upload.storage_name) == 0


def test_upload_in_pieces_then_head_and_completion(
    vendor_client, django_capture_on_commit_callbacks
):
    """PATCHes in pieces advance the offset; HEAD reports it; the last byte completes the
    upload, the policy sees exactly the bytes sent, and the consumed file is removed."""
    location = create(vendor_client, len(DATA))["Location"]

    first = patch(vendor_client, location, 0, DATA[:100_000])
    middle = head(vendor_client, location)
    with django_capture_on_commit_callbacks(execute=True):
        last = patch(vendor_client, location, 100_000, DATA[100_000:])

    assert first.status_code == 204
    assert first["Upload-Offset"] == "100000"
    assert middle.status_code == 200
    assert middle["Upload-Offset"] == "100000"
    assert middle["Upload-Length"] == str(len(DATA))
    assert "no-store" in middle["Cache-Control"]
    assert last.status_code == 204
    assert last["Upload-Offset"] == str(len(DATA))
    upload = the_upload()
    assert upload.state == UploadState.CONSUMED
    assert upload.completed_at is not None
    assert DemoPolicy.completed == [(upload.pk, hashlib.sha256(DATA).hexdigest(), upload.metadata)]
    assert not storage.partial_exists(upload.storage_name)
    # A client that lost the last answer and asks again learns the upload is done.
    again = head(vendor_client, location)
    assert (again.status_code, again["Upload-Offset"]) == (200, str(len(DATA)))


def test_a_zero_length_upload_completes_at_creation(vendor_client):
    """Nothing to PATCH: the empty upload is complete (and handed over) when created."""
    response = create(vendor_client, 0)

    assert response.status_code == 201
    assert the_upload().state == UploadState.CONSUMED
    assert DemoPolicy.completed[0][1] == hashlib.sha256(b"").hexdigest()


def create_with(client, length: int, body: bytes, **headers: str):
    """A creation carrying its first bytes (tus creation-with-upload)."""
    wanted = {**TUS, "Upload-Length": str(length), "Upload-Metadata": metadata(filename="a.bin")}
    return client.post(
        CREATE_URL,
        data=body,
        content_type="application/offset+octet-stream",
        headers={**wanted, **headers},
    )


def test_a_creation_may_carry_the_whole_file(vendor_client, django_capture_on_commit_callbacks):
    """creation-with-upload: a small file is created and completed by one POST (the client
    saves a PATCH); the policy sees exactly the bytes sent."""
    small = DATA[:200_000]
    counted = REGISTRY.get_sample_value("inaproc_upload_bytes_total", {"purpose": "test"}) or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = create_with(vendor_client, len(small), small)

    assert response.status_code == 201
    assert response["Upload-Offset"] == str(len(small))
    assert "Upload-Expires" not in response
    upload = the_upload()
    assert upload.state == UploadState.CONSUMED
    assert DemoPolicy.completed == [(upload.pk, hashlib.sha256(small).hexdigest(), upload.metadata)]
    assert not storage.partial_exists(upload.storage_name)
    # The bytes made durable count toward the operator's upload metric.
    after = REGISTRY.get_sample_value("inaproc_upload_bytes_total", {"purpose": "test"})
    assert after == counted + len(small)


def test_a_creation_may_carry_the_first_piece_and_patches_continue(vendor_client):
    """The POST's bytes count from offset 0; the client continues with PATCHes from the
    Upload-Offset it was told."""
    whole = DATA[:200_000]
    created = create_with(vendor_client, len(whole), whole[:1000])

    assert created.status_code == 201
    assert created["Upload-Offset"] == "1000"
    assert "GMT" in created["Upload-Expires"]
    last = patch(vendor_client, created["Location"], 1000, whole[1000:])
    assert last.status_code == 204
    assert DemoPolicy.completed[0][1] == hashlib.sha256(whole).hexdigest()


@pytest.mark.parametrize(
    "length, body",
    [(10, b"x" * 11), (DemoPolicy.chunk_max + 10, b"x" * (DemoPolicy.chunk_max + 1))],
    ids=["more-than-the-length", "more-than-a-piece"],
)
def test_a_creation_carrying_too_much_is_413_and_creates_nothing(vendor_client, length, body):
    """The bytes of a creation obey the same limits as a PATCH's, before anything is made."""
    response = create_with(vendor_client, length, body)

    assert response.status_code == 413
    assert not ResumableUpload.objects.exists()


def test_wrong_offset_is_409_and_changes_nothing(vendor_client):
    """A PATCH at any offset but the stored one is refused."""
    location = create(vendor_client, len(DATA))["Location"]
    patch(vendor_client, location, 0, DATA[:1000])

    response = patch(vendor_client, location, 500, DATA[500:2000])

    assert response.status_code == 409
    assert the_upload().offset == 1000
    assert storage.partial_size(the_upload().storage_name) == 1000


def test_wrong_content_type_is_415(vendor_client):
    """PATCH bodies must be application/offset+octet-stream."""
    location = create(vendor_client, len(DATA))["Location"]

    response = patch(vendor_client, location, 0, DATA[:10], content_type="text/plain")

    assert response.status_code == 415
    assert the_upload().offset == 0


@pytest.mark.parametrize("version", [None, "0.2.2"])
def test_missing_or_other_tus_version_is_412(vendor_client, version):
    """Every request but OPTIONS must speak tus 1.0.0."""
    headers = {"Upload-Length": "10", "Upload-Metadata": metadata(filename="a")}
    if version:
        headers["Tus-Resumable"] = version

    response = vendor_client.post(CREATE_URL, headers=headers)

    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"
    assert not ResumableUpload.objects.exists()


def test_over_max_size_is_413(vendor_client):
    """Upload-Length above the policy's max_size is refused at creation."""
    response = create(vendor_client, DemoPolicy.max_size + 1)

    assert response.status_code == 413
    assert filesizeformat(DemoPolicy.max_size) in response.content.decode()
    assert not ResumableUpload.objects.exists()


def test_piece_over_chunk_max_is_413(vendor_client):
    """A PATCH body larger than the policy's chunk_max is refused before it is read."""
    location = create(vendor_client, len(DATA))["Location"]

    response = patch(vendor_client, location, 0, DATA[: DemoPolicy.chunk_max + 1])

    assert response.status_code == 413
    assert the_upload().offset == 0


def test_more_bytes_than_announced_is_413(vendor_client):
    """A PATCH may not carry bytes beyond Upload-Length."""
    location = create(vendor_client, 100)["Location"]

    response = patch(vendor_client, location, 0, DATA[:101])

    assert response.status_code == 413
    assert the_upload().offset == 0


def test_quota_counts_receiving_uploads_of_the_owner(vendor_client, monkeypatch):
    """Unfinished uploads of one owner may not announce more than quota_bytes together;
    finished ones no longer count."""
    monkeypatch.setattr(DemoPolicy, "quota_bytes", 500_000)
    first = create(vendor_client, 300_000)["Location"]

    refused = create(vendor_client, 200_001)
    patch(vendor_client, first, 0, DATA[:100_000])
    patch(vendor_client, first, 100_000, DATA[100_000:300_000])
    after_finish = create(vendor_client, 400_000)

    assert refused.status_code == 413
    assert filesizeformat(500_000) in refused.content.decode()
    assert after_finish.status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {"Upload-Length": "abc"},
        {"Upload-Length": "-1"},
        {"Upload-Length": ""},
        {"Upload-Defer-Length": "1"},
        {"Upload-Metadata": "filename not-base64!"},
        {"Upload-Metadata": "filename YQ==,filename YQ=="},
        {"Upload-Metadata": "bad key YQ=="},
        {"Upload-Metadata": "filename " + "YQ==" * 2000},
        {"Upload-Metadata": "filename /w=="},  # not UTF-8
        {"Upload-Metadata": metadata(other="x")},  # the policy wants a filename
    ],
)
def test_malformed_creation_is_400(vendor_client, headers):
    """Bad lengths and metadata are refused with 400, never a 500."""
    base = {**TUS, "Upload-Length": "10", "Upload-Metadata": metadata(filename="a")}

    response = vendor_client.post(CREATE_URL, headers={**base, **headers})

    assert response.status_code == 400
    assert not ResumableUpload.objects.exists()


@pytest.mark.parametrize("offset", ["", "x", "-5", "1" * 30])
def test_malformed_offset_is_400(vendor_client, offset):
    """A PATCH with a missing or non-numeric Upload-Offset is refused."""
    location = create(vendor_client, 100)["Location"]

    response = patch(vendor_client, location, 0, b"abc", **{"Upload-Offset": offset})

    assert response.status_code == 400
    assert the_upload().offset == 0


def test_expired_upload_is_410_and_pruned(vendor_client):
    """After 24 hours an unfinished upload takes no bytes; prune_uploads removes it."""
    location = create(vendor_client, len(DATA))["Location"]
    patch(vendor_client, location, 0, DATA[:10])
    upload = the_upload()

    ResumableUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    headed = head(vendor_client, location)
    patched = patch(vendor_client, location, 10, DATA[10:20])
    call_command("prune_uploads", verbosity=0)

    assert headed.status_code == 410
    assert patched.status_code == 410
    assert not ResumableUpload.objects.exists()
    assert not storage.partial_exists(upload.storage_name)


def test_another_users_upload_is_404_and_untouched(vendor_client, portal_a):
    """Someone else's upload URL answers as if it did not exist, for every method."""
    location = create(vendor_client, len(DATA))["Location"]
    other = signed_in(make_user(portal_a, username="0023456789012000"))

    answers = [
        head(other, location).status_code,
        patch(other, location, 0, DATA[:10]).status_code,
        other.delete(location, headers=TUS).status_code,
    ]

    assert answers == [404, 404, 404]
    assert the_upload().state == UploadState.RECEIVING
    assert the_upload().offset == 0


def test_the_same_upload_under_another_portal_is_refused(vendor_client, portal_b):
    """Under another portal's prefix the user is not signed in (accounts are per portal):
    the upload's URL there is refused and nothing is written."""
    location = create(vendor_client, len(DATA))["Location"]

    response = patch(vendor_client, location.replace("/lpse-a/", "/lpse-b/"), 0, DATA[:10])

    assert response.status_code == 403
    assert the_upload().offset == 0


def test_unknown_upload_is_404(vendor_client):
    """A well-formed id that names no upload is 404."""
    response = head(vendor_client, "/lpse-a/unggah/00000000-0000-4000-8000-000000000000/")

    assert response.status_code == 404


def test_anonymous_is_403_and_policy_refusal_is_403_with_its_message(client, vendor_client):
    """Signed-out requests are refused; so is everything while the policy says no (e.g.
    outside the bid upload stage), with the policy's message."""
    anonymous = create(client, 10)
    DemoPolicy.closed = "Tahap unggah penawaran sudah berakhir."
    try:
        closed = create(vendor_client, 10)
    finally:
        DemoPolicy.closed = None

    assert anonymous.status_code == 403
    assert closed.status_code == 403
    assert closed.content.decode() == "Tahap unggah penawaran sudah berakhir."
    assert not ResumableUpload.objects.exists()


def test_terminate_removes_the_file_and_later_requests_are_404(vendor_client):
    """DELETE ends the upload: its file is gone and its URL no longer answers."""
    location = create(vendor_client, len(DATA))["Location"]
    patch(vendor_client, location, 0, DATA[:10])

    deleted = vendor_client.delete(location, headers=TUS)

    assert deleted.status_code == 204
    upload = the_upload()
    assert upload.state == UploadState.TERMINATED
    assert not storage.partial_exists(upload.storage_name)
    assert head(vendor_client, location).status_code == 404
    assert patch(vendor_client, location, 10, DATA[10:20]).status_code == 404


def test_method_override_patch_and_delete(vendor_client):
    """tus-js-client may send POST with X-HTTP-Method-Override: PATCH (or DELETE)."""
    location = create(vendor_client, 20)["Location"]

    patched = vendor_client.post(
        location,
        data=DATA[:20],
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"},
    )

    assert patched.status_code == 204
    assert patched["Upload-Offset"] == "20"


def test_method_override_delete(vendor_client):
    """POST with X-HTTP-Method-Override: DELETE terminates."""
    location = create(vendor_client, 20)["Location"]

    response = vendor_client.post(location, headers={**TUS, "X-HTTP-Method-Override": "DELETE"})

    assert response.status_code == 204
    assert the_upload().state == UploadState.TERMINATED


def test_rejection_by_the_policy_is_422_with_its_message(
    vendor_client, monkeypatch, django_capture_on_commit_callbacks
):
    """When on_complete raises UploadRejected the last PATCH answers 422 with the message,
    the upload is marked rejected, its file removed, and a HEAD afterwards is 410."""
    monkeypatch.setattr(DemoPolicy, "reject_with", "SHA-256 tidak cocok.")
    location = create(vendor_client, 100)["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        response = patch(vendor_client, location, 0, DATA[:100])

    assert response.status_code == 422
    assert response.content.decode() == "SHA-256 tidak cocok."
    upload = the_upload()
    assert upload.state == UploadState.REJECTED
    assert upload.rejection == "SHA-256 tidak cocok."
    assert not storage.partial_exists(upload.storage_name)
    assert head(vendor_client, location).status_code == 410
    assert patch(vendor_client, location, 100, b"").status_code == 410


@pytest.mark.parametrize("whole_in_creation", [False, True])
def test_a_rejection_rolls_back_what_on_complete_wrote_and_keeps_the_rejected_row(
    vendor_client, monkeypatch, django_capture_on_commit_callbacks, whole_in_creation
):
    """on_complete runs in the transaction that writes the finished upload (no savepoint):
    when it refuses the upload after writing, its write is rolled back, yet the upload's
    row is written rejected (its file removed) — by the last PATCH and by a creation that
    carried the whole file alike."""
    from inaproc.audit.models import AuditEvent

    monkeypatch.setattr(DemoPolicy, "reject_with", "Ditolak.")
    monkeypatch.setattr(DemoPolicy, "write_first", True)

    with django_capture_on_commit_callbacks(execute=True):
        if whole_in_creation:
            response = create_with(vendor_client, 100, DATA[:100])
        else:
            response = patch(vendor_client, create(vendor_client, 100)["Location"], 0, DATA[:100])

    assert response.status_code == 422
    assert response.content.decode() == "Ditolak."
    upload = the_upload()
    assert upload.state == UploadState.REJECTED and upload.rejection == "Ditolak."
    assert upload.offset == 100
    assert not storage.partial_exists(upload.storage_name)
    assert not AuditEvent.objects.filter(verb="uploads.test_write").exists()


def test_complete_unconsumed_upload_reports_full_offset_and_opens(vendor_client, monkeypatch):
    """An upload complete but not yet consumed says so in HEAD; its bytes can be read."""
    from inaproc.uploads.selectors import upload_open_completed

    monkeypatch.setattr(DemoPolicy, "consume", False)
    location = create(vendor_client, 100)["Location"]
    patch(vendor_client, location, 0, DATA[:100])

    response = head(vendor_client, location)

    assert response.status_code == 200
    assert response["Upload-Offset"] == "100"
    assert "Upload-Expires" not in response
    with upload_open_completed(upload=the_upload()) as stream:
        assert stream.read() == DATA[:100]


class ShortBody:
    """A request body that ends (or breaks) before its Content-Length, like a dropped
    connection: `fail` raises OSError instead of returning an early end."""

    def __init__(self, data: bytes, *, fail: bool = False) -> None:
        self._data = data
        self._fail = fail

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def read(self, size: int = -1) -> bytes:
        if not self._data:
            if self._fail:
                raise OSError("connection reset")
            return b""
        n = len(self._data) if size < 0 else min(size, len(self._data), 10_000)
        chunk, self._data = self._data[:n], self._data[n:]
        return chunk


@pytest.mark.parametrize("fail", [False, True])
def test_a_patch_that_stops_early_keeps_what_arrived(vendor_client, fail):
    """A body shorter than its Content-Length (a dropped connection) keeps the bytes that
    arrived: the offset is what was durably written, and the upload resumes from there."""
    location = create(vendor_client, len(DATA))["Location"]

    broken = vendor_client.generic(
        "PATCH",
        location,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": "0"},
        CONTENT_LENGTH="200000",
        CONTENT_TYPE="application/offset+octet-stream",
        **{"wsgi.input": ShortBody(DATA[:123_456], fail=fail)},
    )
    offset = int(head(vendor_client, location)["Upload-Offset"])
    resumed = patch(vendor_client, location, offset, DATA[offset:])

    assert broken.status_code == 400
    assert offset == 123_456
    assert resumed.status_code == 204
    assert DemoPolicy.completed[0][1] == hashlib.sha256(DATA).hexdigest()


def test_bytes_past_the_committed_offset_are_cut_on_resume(vendor_client):
    """Bytes written by a request that died before committing its offset (the file is
    longer than the offset) are cut, so the resumed upload is exactly what was sent."""
    location = create(vendor_client, 100)["Location"]
    patch(vendor_client, location, 0, DATA[:40])
    with open(storage._path(the_upload().storage_name), "ab") as file:
        file.write(b"garbage that was never committed")

    response = patch(vendor_client, location, 40, DATA[40:100])

    assert response.status_code == 204
    assert DemoPolicy.completed[0][1] == hashlib.sha256(DATA[:100]).hexdigest()


def test_resume_after_restart_reads_the_state_from_the_database(vendor_client, vendor_a):
    """A new client (a new browser tab after a server restart) learns the offset with
    HEAD from the stored state and finishes the upload."""
    location = create(vendor_client, len(DATA))["Location"]
    patch(vendor_client, location, 0, DATA[:50_000])

    later = signed_in(vendor_a)
    offset = int(head(later, location)["Upload-Offset"])
    response = patch(later, location, offset, DATA[offset:])

    assert offset == 50_000
    assert response.status_code == 204
    assert the_upload().state == UploadState.CONSUMED


def test_a_patch_while_another_holds_the_upload_is_423(vendor_client):
    """Two PATCHes on one upload never interleave: while one holds the upload, another is
    refused with 423 (tus-js-client retries it) and writes nothing."""
    location = create(vendor_client, 100)["Location"]

    with storage.partial_lock(the_upload().storage_name):
        response = patch(vendor_client, location, 0, DATA[:10])
        deleted = vendor_client.delete(location, headers=TUS)

    assert response.status_code == 423
    assert deleted.status_code == 423
    assert the_upload().offset == 0
    assert the_upload().state == UploadState.RECEIVING


def test_a_large_patch_is_streamed_not_read_into_memory(vendor_client, settings, monkeypatch):
    """The body is read with request.read() in pieces: a PATCH far above
    DATA_UPLOAD_MAX_MEMORY_SIZE is accepted (request.body would refuse it)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    location = create(vendor_client, 200_000)["Location"]

    response = patch(vendor_client, location, 0, DATA[:200_000])

    assert response.status_code == 204


def test_csrf_is_enforced_and_the_header_token_passes(vendor_a):
    """The endpoint keeps Django's CSRF protection: a PATCH without the token is refused;
    with X-CSRFToken (what the page's script sends) it is accepted."""
    client = signed_in(vendor_a, enforce_csrf_checks=True)
    client.cookies[portal_cookie_name("csrftoken", "lpse-a")] = "a" * 32  # the portal's own
    token = {"X-CSRFToken": "a" * 32}
    location = create(client, 10, **token)["Location"]

    refused = patch(client, location, 0, DATA[:10])
    accepted = patch(client, location, 0, DATA[:10], **token)

    assert refused.status_code == 403
    assert accepted.status_code == 204


@pytest.mark.parametrize("method", ["get", "put"])
def test_other_methods_are_405(vendor_client, method):
    """Only the tus methods are served."""
    location = create(vendor_client, 10)["Location"]

    response = getattr(vendor_client, method)(location, headers=TUS)

    assert response.status_code == 405
    assert getattr(vendor_client, method)(CREATE_URL, headers=TUS).status_code == 405


def test_refusals_are_in_indonesian_by_default(vendor_client):
    """The page shows the refusal's text as it is: it comes in the user's language."""
    response = create(vendor_client, DemoPolicy.max_size + 1)

    assert response.content.decode() == "Berkas lebih besar dari 512,0\xa0KB."
