"""Recovery drill: a gunicorn worker dies (SIGKILL: the kernel's OOM killer, a crash)
while it receives a vendor's sealed bid through the resumable (tus) endpoint. gunicorn
with the production settings and sync workers; the vendor's first piece is in, the
second is half sent (a slow line) when the worker that holds its connection is killed.
The arbiter starts a new worker; the vendor's tus client does what it does after any
broken request: asks the server where the upload is (HEAD) and sends the rest. The file
then enters the bid draft whole, with the sealed hash, and nothing of the killed request
counts: the offset never included its bytes, one upload row, one stored file, no partial
file left.

Runs on PostgreSQL and on SQLite (the gunicorn workers then share the test's database
file): nothing here depends on the database server."""

import base64
import contextlib
import hashlib
import io
import os
import signal
import socket
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from tusclient import client as tus

from inaproc.bids.models import SealedFile
from inaproc.bids.slots import slots_for
from inaproc.portals.cookies import portal_cookie_name
from inaproc.tenders.models import Participation
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.uploads.selectors import upload_quota_used
from inaproc.uploads.services import uploads_prune
from tests.bids.factories import sealed_bytes, upload_capability
from tests.cookies import session_cookie_name
from tests.factories import make_portal
from tests.helpers import signed_in
from tests.ops.servers import production_environment, start_gunicorn, stop, wait_for, wait_until_up
from tests.s3server import free_port
from tests.tenders.participation_factories import make_vendor, published_tender

pytestmark = pytest.mark.django_db(transaction=True)

MIB = 1 << 20
CSRF = "d" * 32


def children(parent: int) -> set[int]:
    """The live processes whose parent is `parent` (gunicorn's workers)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces) in parentheses.
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == parent and state != "Z":
            found.add(int(entry))
    return found


def socket_inode(server_port: int, client_port: int) -> int:
    """The inode of the server side of our connection, once a worker accepted it (0
    while it waits in the listen queue)."""
    wanted = (f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}")
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if (fields[1], fields[2]) == wanted:
            return int(fields[9])
    return 0


def worker_holding(server: int, server_port: int, client_port: int) -> int | None:
    """The pid of gunicorn's worker that holds our connection."""
    inode = socket_inode(server_port, client_port)
    if not inode:
        return None
    for pid in children(server):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


@pytest.fixture
def bid_upload(transactional_db):
    """A vendor whose company takes part in a tender receiving bids, a 2 MiB sealed file
    for one part of its bid, and the cookies and headers of its signed-in browser."""
    portal = make_portal("lpse-drill")
    now = timezone.now()
    tender = published_tender(
        portal, clarification=(now - timedelta(hours=1), now - timedelta(minutes=30))
    )
    member = make_vendor(portal)
    Participation.objects.create(
        package=tender,
        company=member.company,
        joined_by=member.user,
        integrity_pact_agreed_at=tender.published_at,
    )
    slot = next(slot for slot in slots_for(tender) if not slot.is_letter)
    sealed = sealed_bytes(tender, slot.code, b"%PDF-1.4\n" + os.urandom(2 * MIB))
    browser = signed_in(member.user)
    session = browser.cookies[session_cookie_name(portal.slug)].value
    cookie = (
        f"{session_cookie_name(portal.slug)}={session}; "
        f"{portal_cookie_name(settings.CSRF_COOKIE_NAME, portal.slug)}={CSRF}"
    )
    return {
        "path": f"/{portal.slug}/perusahaan/tender/{tender.code}/penawaran/unggah/",
        "slot": slot.code,
        "sealed": sealed,
        "sha256": hashlib.sha256(sealed).hexdigest(),
        "headers": {
            "Cookie": cookie,
            "X-CSRFToken": CSRF,
            "Upload-Capability": upload_capability(browser, tender),
        },
        "participation": Participation.objects.get(package=tender),
    }


def test_a_worker_killed_mid_upload_loses_nothing_and_the_vendor_resumes(bid_upload, tmp_path):
    """SIGKILL on the worker receiving a PATCH: gunicorn replaces it, HEAD answers the
    offset before that PATCH (its bytes on disk are not counted), the tus client sends
    the rest and the sealed file enters the draft with its hash; one upload row, one
    stored file, no partial file left, the same gunicorn serving throughout."""
    sealed, headers = bid_upload["sealed"], bid_upload["headers"]
    port = free_port()
    # The test's SECRET_KEY: the server must read the session signed_in() wrote.
    env = production_environment(tmp_path, SECRET_KEY=settings.SECRET_KEY)
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(port, env, log, workers=2)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, log)
        client = tus.TusClient(f"http://127.0.0.1:{port}{bid_upload['path']}", headers=headers)

        def uploader(**options):
            return client.uploader(
                file_stream=io.BytesIO(sealed),
                chunk_size=MIB,
                metadata={"slot": bid_upload["slot"], "sha256": bid_upload["sha256"]},
                **options,
            )

        first = uploader()
        first.upload(stop_at=MIB)  # the creation, then the first piece
        upload = ResumableUpload.objects.get()
        assert upload.offset == MIB
        partial = Path(env["UPLOAD_TEMP_ROOT"]) / upload.storage_name

        # The second piece on a slow line: headers and half of its body, then silence.
        piece = sealed[MIB:]
        line = socket.create_connection(("127.0.0.1", port))
        request = (
            f"PATCH {urlsplit(first.url).path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: {headers['Cookie']}\r\nX-CSRFToken: {CSRF}\r\n"
            f"Upload-Capability: {headers['Upload-Capability']}\r\n"
            "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Upload-Offset: {MIB}\r\nContent-Length: {len(piece)}\r\n\r\n"
        )
        line.sendall(request.encode() + piece[: len(piece) // 2])
        # The worker has written part of it to the partial file: it is mid-upload.
        wait_for(lambda: partial.stat().st_size > MIB + MIB // 4, "the worker writing", log=log)
        worker = wait_for(
            lambda: worker_holding(server.pid, port, line.getsockname()[1]),
            "the worker holding the connection",
        )
        workers_before = children(server.pid)
        os.kill(worker, signal.SIGKILL)

        line.settimeout(10)
        try:
            answer = line.recv(4096)
        except ConnectionResetError:
            answer = b""
        line.close()
        assert answer == b"", "the connection ends with the worker, without an answer"

        # gunicorn replaces the dead worker; the arbiter itself lives on.
        def replaced() -> set[int]:
            now = children(server.pid)
            return now if worker not in now and len(now) == 2 else set()

        assert wait_for(replaced, "a new worker", log=log) != workers_before
        assert partial.stat().st_size > MIB  # the killed request's bytes are on disk …
        upload.refresh_from_db()
        assert (upload.offset, upload.state) == (MIB, UploadState.RECEIVING)  # … not counted

        # The vendor's retry: a tus client given the upload's URL asks HEAD, sends the rest.
        resumed = uploader(url=first.url)
        assert resumed.offset == MIB
        resumed.upload()

        upload.refresh_from_db()
        assert (upload.state, upload.offset) == (UploadState.CONSUMED, len(sealed))
        assert ResumableUpload.objects.count() == 1
        stored = SealedFile.objects.get(participation=bid_upload["participation"])
        assert (stored.slot, stored.in_draft) == (bid_upload["slot"], True)
        assert (stored.sha256, stored.size) == (bid_upload["sha256"], len(sealed))
        on_disk = Path(env["DOCUMENT_ROOT"]) / stored.stored_name
        assert hashlib.sha256(on_disk.read_bytes()).hexdigest() == bid_upload["sha256"]
        assert [p for p in Path(env["DOCUMENT_ROOT"]).rglob("*") if p.is_file()] == [on_disk]
        assert not any(Path(env["UPLOAD_TEMP_ROOT"]).iterdir()), "a partial file is left"
        page = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert page.status_code == 200 and server.poll() is None
    finally:
        stop(server)


def test_a_worker_killed_during_a_creation_leaves_nothing_against_the_quota(bid_upload, tmp_path):
    """SIGKILL on the worker receiving a tus creation that carries the file (what the bid
    page sends): the bytes are written before the upload's row, so nothing is left that
    counts against the company's quota (before, a row at offset 0 did, for 24 hours);
    the partial file without a row goes with the next prune; the vendor's retry (a new
    creation) goes through."""
    sealed, headers = bid_upload["sealed"], bid_upload["headers"]
    port = free_port()
    env = production_environment(tmp_path, SECRET_KEY=settings.SECRET_KEY)
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(port, env, log, workers=2)
    temp_root = Path(env["UPLOAD_TEMP_ROOT"])
    metadata = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"slot": bid_upload["slot"], "sha256": bid_upload["sha256"]}.items()
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, log)
        line = socket.create_connection(("127.0.0.1", port))
        request = (
            f"POST {bid_upload['path']} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: {headers['Cookie']}\r\nX-CSRFToken: {CSRF}\r\n"
            f"Upload-Capability: {headers['Upload-Capability']}\r\n"
            "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Upload-Length: {len(sealed)}\r\nUpload-Metadata: {metadata}\r\n"
            f"Content-Length: {len(sealed)}\r\n\r\n"
        )
        line.sendall(request.encode() + sealed[: len(sealed) // 2])

        def partial_growing() -> bool:
            return any(path.stat().st_size > MIB // 2 for path in temp_root.glob("*.part"))

        wait_for(partial_growing, "the worker writing", log=log)
        worker = wait_for(
            lambda: worker_holding(server.pid, port, line.getsockname()[1]),
            "the worker holding the connection",
        )
        os.kill(worker, signal.SIGKILL)
        line.settimeout(10)
        with contextlib.suppress(ConnectionResetError):
            line.recv(4096)
        line.close()
        wait_for(lambda: worker not in children(server.pid), "the worker gone", log=log)

        assert not ResumableUpload.objects.exists(), "a row that counts against the quota"
        assert (
            upload_quota_used(
                portal=bid_upload["participation"].package.portal,
                owner_key=f"company:{bid_upload['participation'].company_id}",
                now=timezone.now(),
            )
            == 0
        )
        (orphan,) = temp_root.glob("*.part")

        retry = requests.post(
            f"http://127.0.0.1:{port}{bid_upload['path']}",
            data=sealed,
            headers={
                **headers,
                "Tus-Resumable": "1.0.0",
                "Content-Type": "application/offset+octet-stream",
                "Upload-Length": str(len(sealed)),
                "Upload-Metadata": metadata,
            },
            timeout=30,
        )
        assert retry.status_code == 201, retry.text
        stored = SealedFile.objects.get(participation=bid_upload["participation"])
        assert (stored.sha256, stored.size) == (bid_upload["sha256"], len(sealed))
        assert orphan.exists()
        with override_settings(UPLOAD_TEMP_ROOT=str(temp_root)):
            uploads_prune(now=timezone.now() + timedelta(hours=settings.UPLOAD_EXPIRY_HOURS + 1))
        assert not orphan.exists(), "the partial file of the killed creation stays"
    finally:
        stop(server)
