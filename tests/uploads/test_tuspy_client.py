"""The real tus client for Python (tuspy) against the endpoint on a live server:
multi-chunk uploads, resuming with a new client, and a connection that drops mid-PATCH."""

import hashlib
import io
import os
import socket
import time
from urllib.parse import urlsplit

import pytest
from tusclient import client as tus

from inaproc.portals.cookies import portal_cookie_name
from inaproc.uploads.models import ResumableUpload, UploadState
from tests.cookies import session_cookie_name
from tests.helpers import signed_in
from tests.uploads.urls import DemoPolicy

pytestmark = pytest.mark.urls("tests.uploads.urls")

DATA = os.urandom(1024 * 1024 + 123)
CSRF = "b" * 32


@pytest.fixture
def big_policy(monkeypatch):
    monkeypatch.setattr(DemoPolicy, "max_size", 2 * 1024 * 1024)
    monkeypatch.setattr(DemoPolicy, "quota_bytes", None)


@pytest.fixture
def tus_client(transactional_db, live_server, vendor_a, big_policy) -> tus.TusClient:
    """A tuspy client carrying a signed-in session cookie and the CSRF token, as the
    page's script does (cookie + X-CSRFToken header)."""
    session_cookie = session_cookie_name("lpse-a")
    session = signed_in(vendor_a).cookies[session_cookie].value
    cookies = f"{session_cookie}={session}; {portal_cookie_name('csrftoken', 'lpse-a')}={CSRF}"
    return tus.TusClient(
        f"{live_server.url}/lpse-a/unggah/", headers={"Cookie": cookies, "X-CSRFToken": CSRF}
    )


def uploader(client: tus.TusClient, **options):
    return client.uploader(
        file_stream=io.BytesIO(DATA),
        chunk_size=200_000,
        metadata={"filename": "bid.inpseal"},
        **options,
    )


def test_tuspy_uploads_a_file_in_many_chunks(tus_client):
    """tuspy creates the upload and sends six PATCHes; the server has the exact bytes."""
    uploader(tus_client).upload()

    upload = ResumableUpload.objects.get()
    assert upload.state == UploadState.CONSUMED
    assert upload.metadata == {"filename": "bid.inpseal"}
    assert DemoPolicy.completed == [(upload.pk, hashlib.sha256(DATA).hexdigest(), upload.metadata)]


def test_tuspy_resumes_with_a_new_client_after_stopping(tus_client):
    """An upload stopped part way is continued by a new client given its URL: it asks
    the offset (HEAD) and sends only the rest."""
    first = uploader(tus_client)
    first.upload(stop_at=400_000)

    second = uploader(tus_client, url=first.url)
    resumed_at = second.offset
    second.upload()

    assert resumed_at == 400_000
    assert DemoPolicy.completed[0][1] == hashlib.sha256(DATA).hexdigest()


def test_a_connection_dropped_mid_patch_keeps_what_arrived_and_tuspy_finishes(tus_client):
    """A PATCH whose connection closes half way through its body keeps the bytes that
    reached the server; tuspy then resumes from that offset and completes the upload."""
    first = uploader(tus_client)
    first.upload(stop_at=200_000)
    sent = DATA[200_000:350_000]
    _send_half_a_patch(first.url, tus_client.headers, offset=200_000, body=sent, length=250_000)

    offset = _wait_for_offset(200_000 + len(sent))
    resumed = uploader(tus_client, url=first.url)
    resumed.upload()

    assert offset == 350_000
    assert resumed.offset == len(DATA)
    assert DemoPolicy.completed[0][1] == hashlib.sha256(DATA).hexdigest()


def _send_half_a_patch(url: str, headers: dict, *, offset: int, body: bytes, length: int) -> None:
    parts = urlsplit(url)
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Cookie: {headers['Cookie']}\r\nX-CSRFToken: {headers['X-CSRFToken']}\r\n"
        "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Upload-Offset: {offset}\r\nContent-Length: {length}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port)) as connection:
        connection.sendall(head.encode() + body)


def _wait_for_offset(expected: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        offset = ResumableUpload.objects.get().offset
        if offset == expected or time.monotonic() > deadline:
            return offset
        time.sleep(0.05)
