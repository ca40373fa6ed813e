"""Peak memory of the gunicorn worker while it takes one vendor registration carrying
10 documents of ~10 MB each, against a registration with small documents.

    . .venv/bin/activate
    python benchmarks/registration_upload/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench \\
        --repeat 3 --cases small,large,repair

For every case and repeat it starts ``gunicorn config.wsgi`` (sync worker, production
settings, DOCUMENT_ROOT and FILE_UPLOAD_TEMP_DIR in a scratch directory), registers one
company with small files to warm the worker up (imports, templates, first queries), then
registers another one while a thread reads the worker's resident memory (VmRSS) every
10 ms, and compares with the memory just before the POST:

- ``large``: 10 PDFs just under DOCUMENT_MAX_BYTES (a one-page PDF with an embedded file
  of random bytes), one for NIB, NPWP card and representative's ID, the rest spread over
  the business licence and deed fields, which take several files;
- ``small``: one small PDF for each required document type (4 files of < 1 KB: a
  registration needs them, so "one small file" would only show the form again);
- ``repair`` (only with --cases): as large, but each PDF's ``startxref`` points at 0, so
  pypdf rebuilds the cross-reference table, which reads the whole file into memory.

The POST is streamed from the files on disk (the client never holds the body) and the
whole flow is a browser's: GET /bench/pendaftaran/ -> CSRF token, form key and CAPTCHA key
from the HTML -> the CAPTCHA answer from PostgreSQL -> POST multipart -> 302 to
/bench/pendaftaran/terkirim/. The run then checks in the database that the registration
exists with all its documents, and on disk that the stored files have their sizes.

The new account's password is hashed with Argon2id, which allocates 100 MiB for the
duration of the hash (Django's parameters) whatever the uploads. A gunicorn hook
(gunicorn_hooks.py) records when the worker is inside each step (multipart parsing,
document_check, document_store, Argon2), so that the peak is reported per step and
"upload peak" leaves the hash out.

The database must be a dedicated one whose name contains "bench" (created if missing).
See benchmarks/registration_upload/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _load_login_benchmark():
    """benchmarks/login/run.py, for its helpers (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "benchmarks_login_run", ROOT / "benchmarks" / "login" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


login = _load_login_benchmark()

PORTAL_SLUG = login.PORTAL_SLUG
HOOKS = HERE / "gunicorn_hooks.py"
MIB = 1024 * 1024
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
EMAIL_DOMAIN = "upload-bench.example.id"  # marks the companies this benchmark registers
REQUIRED_KINDS = ("nib", "npwp_card", "deed_of_establishment", "representative_id")
MULTIPLE_KINDS = ("business_licence", "deed_of_establishment")
SECTORS = ("41011", "43211")
# Memory the large case may take above the small one and still count as flat: half a
# document (DOCUMENT_MAX_BYTES / 2), so that no step may hold a whole file in memory.
FLAT_MARGIN_SHARE = 0.5
CASES = ("small", "large", "repair")
STARTXREF_RE = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


# =============================================================================
# Test files
# =============================================================================
def pdf_bytes(attachment: bytes | None = None) -> bytes:
    """A one-page PDF, optionally with an embedded file (as tests/vendors/test_documents.py
    builds them): pypdf reads it, and the embedded bytes are never parsed."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment is not None:
        writer.add_attachment("padding.bin", attachment)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def files_make(
    directory: Path, count: int, size: int, max_bytes: int, *, broken_xref: bool = False
) -> list[Path]:
    """`count` different PDFs of exactly `size` bytes (random padding), checked as the
    server will check them. `broken_xref`: `startxref` points at offset 0, as in PDFs
    damaged by some producers; pypdf (strict=False) still reads them, by rebuilding the
    cross-reference table."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # "incorrect startxref pointer"
    directory.mkdir(parents=True, exist_ok=True)
    overhead = len(pdf_bytes(b"x" * 1000)) - 1000
    paths = []
    for i in range(count):
        pad = size - overhead
        data = pdf_bytes(os.urandom(pad))
        data = pdf_bytes(os.urandom(pad + size - len(data))) if len(data) != size else data
        if broken_xref:
            offset = STARTXREF_RE.search(data)
            digits = len(offset.group(1))
            data = data[: offset.start(1)] + b"0" * digits + data[offset.end(1) :]
        if len(data) > max_bytes:
            sys.exit(f"test file of {len(data)} bytes exceeds DOCUMENT_MAX_BYTES {max_bytes}")
        if len(PdfReader(io.BytesIO(data)).pages) != 1:
            sys.exit("generated PDF does not parse")
        prefix = "rusak" if broken_xref else "dokumen"
        path = directory / f"{prefix}-{i + 1:02d}.pdf"
        path.write_bytes(data)
        paths.append(path)
    return paths


def small_files_make(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = directory / f"kecil-{i + 1:02d}.pdf"
        path.write_bytes(pdf_bytes())
        paths.append(path)
    return paths


def kinds_for(count: int) -> list[str]:
    """Document field per file: the required types first, then the rest spread over the
    two types that accept several files."""
    if count < len(REQUIRED_KINDS):
        sys.exit(f"a registration needs at least {len(REQUIRED_KINDS)} documents")
    extra = [MULTIPLE_KINDS[i % 2] for i in range(count - len(REQUIRED_KINDS))]
    return [*REQUIRED_KINDS, *extra]


# =============================================================================
# Database
# =============================================================================
def npwp_make(n: int) -> str:
    """A valid NPWP in its 16-digit form (`0` + 9 digits with Luhn + 6 digits), as
    tests/vendors/builders.py npwp_make."""
    from stdnum import luhn

    base = f"{10_000_000 + n:08d}"
    return f"0{base}{luhn.calc_check_digit(base)}101000"


def fixtures_ensure() -> tuple[int, bool]:
    """The benchmark portal. Returns (its id, whether the KBLI codes the form picks are
    loaded)."""
    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create
    from inaproc.reference.models import Kbli

    portal = Portal.objects.filter(slug=PORTAL_SLUG).first() or portal_create(
        slug=PORTAL_SLUG, name="LPSE Benchmark", institution="Benchmark"
    )
    return portal.pk, Kbli.objects.filter(code__in=SECTORS).count() == len(SECTORS)


def fresh_identity(portal_id: int) -> tuple[str, str]:
    """An NPWP and a username that no company or account on the portal has."""
    from inaproc.accounts.models import User
    from inaproc.vendors.models import Company

    while True:
        npwp = npwp_make(random.randrange(1, 89_999_999))  # noqa: S311 - not a secret
        username = f"ubench{secrets.token_hex(5)}"
        if not (
            Company.objects.filter(portal_id=portal_id, npwp=npwp).exists()
            or User.objects.filter(portal_id=portal_id, username__iexact=username).exists()
        ):
            return npwp, username


def registration_verify(portal_id: int, npwp: str, document_root: Path) -> dict:
    """What the POST created: the registration, its Document rows and their files."""
    from inaproc.vendors.models import Document, Registration

    registration = (
        Registration.objects.filter(portal_id=portal_id, company__npwp=npwp)
        .select_related("company", "applicant")
        .first()
    )
    if registration is None:
        return {"registration_created": False, "documents": 0}
    documents = list(Document.objects.filter(company=registration.company))
    on_disk = 0
    missing = 0
    for document in documents:
        path = document_root / document.stored_name
        if path.is_file() and path.stat().st_size == document.size:
            on_disk += path.stat().st_size
        else:
            missing += 1
    return {
        "registration_created": True,
        "registration_status": registration.status,
        "applicant_active": registration.applicant.is_active,
        "documents": len(documents),
        "document_bytes": sum(d.size for d in documents),
        "on_disk_bytes": on_disk,
        "files_missing_or_wrong_size": missing,
    }


def registrations_total(portal_id: int) -> int:
    from inaproc.vendors.models import Registration

    return Registration.objects.filter(portal_id=portal_id).count()


# =============================================================================
# Memory of the worker, from /proc
# =============================================================================
def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


def status_bytes(pid: int, key: str) -> int | None:
    """A `kB` line of /proc/<pid>/status, e.g. VmHWM (the peak resident set)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def peak_reset(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0, `5` > clear_refs). False if refused."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def directory_bytes(path: Path) -> int:
    total = 0
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                with contextlib.suppress(FileNotFoundError):  # removed while scanning
                    total += entry.stat(follow_symlinks=False).st_size
    except FileNotFoundError:
        pass
    return total


class Sampler(threading.Thread):
    """Reads the RSS of each worker and the size of the upload temp directory every
    `interval` seconds until stopped."""

    def __init__(self, pids: list[int], temp_dir: Path, interval: float) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.temp_dir = temp_dir
        self.interval = interval
        self.samples: list[tuple[float, dict[int, int | None], int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            rss = {pid: rss_bytes(pid) for pid in self.pids}
            temp = directory_bytes(self.temp_dir)
            self.samples.append((time.monotonic(), rss, temp))
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def events_read(events_dir: Path, pid: int, since: float) -> list[tuple[str, float, float]]:
    path = events_dir / f"{pid}.events"
    if not path.is_file():
        return []
    events = []
    for line in path.read_text().splitlines():
        step, start, end = line.split()
        if float(start) >= since:
            events.append((step, float(start), float(end)))
    return events


# =============================================================================
# The client
# =============================================================================
class RegistrationError(Exception):
    pass


def form_hidden_fields(html: str) -> dict[str, str]:
    """Hidden inputs of the registration form (the one with password_again): CSRF token,
    form key, CAPTCHA key."""
    for form in login.FORM_RE.findall(html):
        if 'name="password_again"' not in form:
            continue
        fields = {}
        for tag in login.INPUT_RE.findall(form):
            attrs = dict(login.ATTR_RE.findall(tag))
            if attrs.get("type", "").lower() == "hidden" and "name" in attrs:
                fields[attrs["name"]] = attrs.get("value", "")
        return fields
    raise RegistrationError("no registration form in the page")


@dataclass
class Part:
    header: bytes
    path: Path | None = None
    value: bytes = b""

    def size(self) -> int:
        body = self.path.stat().st_size if self.path else len(self.value)
        return len(self.header) + body + 2


def multipart(fields: dict[str, str], files: list[tuple[str, Path]]) -> tuple[str, list[Part]]:
    boundary = f"----inaproc-bench-{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(Part(header.encode(), value=value.encode()))
    for name, path in files:
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{path.name}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(Part(header.encode(), path=path))
    parts.append(Part(f"--{boundary}--".encode()))  # + CRLF from size()/body
    return boundary, parts


def multipart_stream(parts: list[Part], chunk_size: int = 256 * 1024):
    """The body, read from the files in chunks: the client never holds a whole file."""
    for part in parts:
        yield part.header
        if part.path is not None:
            with open(part.path, "rb") as f:
                while chunk := f.read(chunk_size):
                    yield chunk
        else:
            yield part.value
        yield b"\r\n"


class RegistrationClient(login.Client):
    """The login benchmark's client (cookie jar, headers as behind nginx, CAPTCHA answers
    from PostgreSQL) on the registration page."""

    def __init__(self, port: int, database_url: str) -> None:
        super().__init__(port, database_url, usernames=[], index=0, flow="post")
        self.register_path = f"/{PORTAL_SLUG}/pendaftaran/"
        self.registered_path = f"/{PORTAL_SLUG}/pendaftaran/terkirim/"

    def register(self, files: list[tuple[str, Path]], npwp: str, username: str, on_post=None):
        """GET the form, POST one registration. `on_post()` is called just before the POST
        is sent and returns a callable called as soon as its response has arrived.
        Returns (status, location, seconds of the POST, body bytes, response head)."""
        self.cookies = {}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            response, data = self.request(conn, "GET", self.register_path)
            if response.status != 200:
                raise RegistrationError(f"GET registration page: {response.status}")
            fields = form_hidden_fields(data.decode())
            if "captcha_0" in fields:
                fields["captcha_1"] = self.captcha_answer(fields["captcha_0"])
            password = f"kursi-kayu-jati-unggah-{secrets.token_hex(4)}"
            fields.update(
                name=f"PT Unggah Benchmark {npwp[-8:]}",
                legal_form="pt",
                npwp=npwp,
                nib=f"91{npwp[1:12]}",
                province="jawa_barat",
                city="Kota Bandung",
                street="Jl. Asia Afrika No. 1",
                postal_code="40111",
                phone="0812-3456-7890",
                email=f"{username}@{EMAIL_DOMAIN}",
                sectors=", ".join(SECTORS),
                representative_name="Budi Santoso",
                representative_nik="3171011708450001",
                representative_position="Direktur Utama",
                username=username,
                password=password,
                password_again=password,
                consent="on",
            )
            boundary, parts = multipart(fields, [(f"document_{k}", p) for k, p in files])
            length = sum(part.size() for part in parts)
            headers = {
                "X-Forwarded-Proto": "https",
                "User-Agent": login.USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Language": "id-ID,id;q=0.9,en;q=0.5",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
                "Origin": self.origin,
                "Referer": self.origin + self.register_path,
            }
            done = on_post() if on_post else None
            started = time.monotonic()
            conn.request("POST", self.register_path, body=multipart_stream(parts), headers=headers)
            response = conn.getresponse()
            elapsed = time.monotonic() - started
            if done:
                done()
            body = response.read()
            location = response.headers.get("Location", "")
            return response.status, location, elapsed, length, body[:3000]
        finally:
            conn.close()


# =============================================================================
# One measurement
# =============================================================================
def server_start(args, env, scratch: Path, events_dir: Path):
    env = {
        **env,
        "UPLOAD_BENCH_EVENT_DIR": str(events_dir),
        # Read by gunicorn besides its command line: our hooks and the worker timeout.
        "GUNICORN_CMD_ARGS": f"--config {HOOKS} --timeout {args.timeout}",
    }
    port = args.port or login.free_port()
    server = login.gunicorn_start(env, args.workers, port, scratch / "gunicorn.log", None)
    return server, port


def measure(args, env, case: str, files: list[tuple[str, Path]], warmup_files, ctx) -> dict:
    scratch, portal_id = ctx["scratch"], ctx["portal_id"]
    temp_dir, document_root = Path(env["FILE_UPLOAD_TEMP_DIR"]), Path(env["DOCUMENT_ROOT"])
    events_dir = Path(tempfile.mkdtemp(prefix="events-", dir=scratch))
    server, port = server_start(args, env, scratch, events_dir)
    client = RegistrationClient(port, args.database_url)
    try:
        workers = login.children_of(server.pid)
        # Warm-up: a whole registration in every worker, so that imports, templates and
        # the first queries of every step are behind us when the baseline is taken. Which
        # worker takes a request is up to the kernel: try until each has hashed a password.
        warmups = 0
        while warmups < 4 * len(workers):
            npwp, username = fresh_identity(portal_id)
            status, location, *_rest, body = client.register(warmup_files, npwp, username)
            if status != 302:
                raise RegistrationError(f"warm-up POST: {status} {location!r} {body[:500]!r}")
            warmups += 1
            warm = [
                p for p in workers if any(e[0] == "argon2" for e in events_read(events_dir, p, 0))
            ]
            if len(warm) == len(workers):
                break
        time.sleep(args.settle)

        npwp, username = fresh_identity(portal_id)
        before_total = registrations_total(portal_id)
        sampler = Sampler(workers, temp_dir, args.interval)
        marks = {}

        def on_post():
            # Baseline: the workers after the GET of the form, just before the POST.
            marks["baseline"] = {pid: rss_bytes(pid) for pid in workers}
            marks["hwm_reset"] = all(peak_reset(pid) for pid in workers)
            sampler.start()
            marks["post"] = time.monotonic()
            return lambda: marks.__setitem__("response", time.monotonic())

        try:
            status, location, elapsed, body_bytes, body = client.register(
                files, npwp, username, on_post
            )
            time.sleep(0.2)  # the worker finishes the request (post_request hook) and settles
        finally:
            if sampler.is_alive():
                sampler.stop()
        hwm = {pid: status_bytes(pid, "VmHWM") for pid in workers}
        after = {pid: rss_bytes(pid) for pid in workers}
        temp_left = directory_bytes(temp_dir)
        workers_after = login.children_of(server.pid)
    finally:
        client.close()
        login.gunicorn_stop(server)

    # The worker that took the POST: the one with a request event in the window.
    events = {pid: events_read(events_dir, pid, marks["post"]) for pid in workers}
    handled = [pid for pid in workers if any(e[0] == "request" for e in events[pid])]
    pid = handled[0] if handled else max(workers, key=lambda p: (hwm[p] or 0) - (after[p] or 0))
    series = [(t, rss[pid], temp) for t, rss, temp in sampler.samples if rss.get(pid)]
    steps = events[pid]
    baseline = marks["baseline"][pid]

    def step_of(t: float) -> str:
        for step, start, end in steps:
            if step != "request" and start <= t <= end:
                return step
        return "other"

    per_step: dict[str, dict] = {}
    for step, start, end in steps:
        entry = per_step.setdefault(step, {"calls": 0, "seconds": 0.0, "peak_rss": None})
        entry["calls"] += 1
        entry["seconds"] += end - start
    for t, rss, _temp in series:
        entry = per_step.setdefault(step_of(t), {"calls": 0, "seconds": 0.0, "peak_rss": None})
        entry["peak_rss"] = max(entry["peak_rss"] or 0, rss)
    upload_samples = [rss for t, rss, _temp in series if step_of(t) != "argon2"]
    peak_all = max((rss for _t, rss, _temp in series), default=None)
    peak_upload = max(upload_samples, default=None)
    check = registration_verify(portal_id, npwp, document_root)
    ok = (
        status == 302
        and urlsplit(location).path == f"/{PORTAL_SLUG}/pendaftaran/terkirim/"
        and check["registration_created"]
        and check["documents"] == len(files)
        and check["files_missing_or_wrong_size"] == 0
        and registrations_total(portal_id) == before_total + 1
        and temp_left == 0
    )
    upload_bytes = sum(path.stat().st_size for _kind, path in files)
    if not args.keep_documents:
        shutil.rmtree(document_root, ignore_errors=True)  # the next run's disk stays small
    timeline = [
        (round(t - marks["post"], 3), rss, temp)
        for i, (t, rss, temp) in enumerate(series)
        if i % max(1, len(series) // 200) == 0
    ]
    return {
        "case": case,
        "workers": args.workers,
        "files": len(files),
        "upload_bytes": upload_bytes,
        "body_bytes": body_bytes,
        "status": status,
        "location": location,
        "ok": ok,
        "error_body": "" if status == 302 else body.decode(errors="replace"),
        "request_s": elapsed,
        "worker_pid": pid,
        "workers_restarted": sorted(workers) != sorted(workers_after),
        "warmup_registrations": warmups,
        "workers_warm": len(warm),
        "baseline_rss": baseline,
        "peak_rss": peak_all,
        "peak_rss_without_argon2": peak_upload,
        "delta_rss": peak_all - baseline if peak_all else None,
        "delta_rss_without_argon2": peak_upload - baseline if peak_upload else None,
        "vm_hwm": hwm[pid],
        "vm_hwm_reset_before_post": marks["hwm_reset"],
        "delta_vm_hwm": hwm[pid] - baseline if hwm[pid] and marks["hwm_reset"] else None,
        "rss_after": after[pid],
        "temp_dir_peak_bytes": max((temp for _t, _r, temp in series), default=0),
        "temp_dir_left_bytes": temp_left,
        "samples": len(series),
        "steps": per_step,
        "check": check,
        "timeline": timeline,
    }


# =============================================================================
# Output
# =============================================================================
def mib(value: int | None) -> str:
    return "-" if value is None else f"{value / MIB:.1f}"


def table(results: list[dict]) -> str:
    head = (
        f"{'case':<6} {'run':>3} {'files':>5} {'MiB up':>7} {'status':>6} {'time s':>6} "
        f"{'base':>6} {'peak*':>6} {'Δ*':>6} {'peak':>6} {'Δ':>6} {'Δ HWM':>6} {'after':>6} "
        f"{'tmp MiB':>7} {'docs':>4} {'ok':>3}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r['case']:<6} {r['repeat']:>3} {r['files']:>5} {mib(r['upload_bytes']):>7} "
            f"{r['status']:>6} {r['request_s']:>6.2f} {mib(r['baseline_rss']):>6} "
            f"{mib(r['peak_rss_without_argon2']):>6} {mib(r['delta_rss_without_argon2']):>6} "
            f"{mib(r['peak_rss']):>6} {mib(r['delta_rss']):>6} {mib(r['delta_vm_hwm']):>6} "
            f"{mib(r['rss_after']):>6} {mib(r['temp_dir_peak_bytes']):>7} "
            f"{r['check']['documents']:>4} {'yes' if r['ok'] else 'NO':>3}"
        )
    lines.append(
        """
Memory of the gunicorn worker that took the POST, MiB (2^20 bytes):
base    = RSS just before the POST (after the warm-up registration and the GET of the form)
peak*   = highest RSS sampled during the POST outside the Argon2 hash; Δ* = peak* - base
peak, Δ = the same with the Argon2 hash (Django's Argon2id allocates 100 MiB while hashing)
Δ HWM   = the kernel's peak RSS (VmHWM, reset just before the POST) - base: nothing missed
          between samples; includes Argon2
after   = RSS once the response was sent; tmp = peak size of FILE_UPLOAD_TEMP_DIR
ok      = 302 to the "sent" page, the registration and its documents in the database, every
          stored file on disk with its size, and no temporary file left"""
    )
    return "\n".join(lines)


def steps_table(results: list[dict]) -> str:
    lines = ["Peak RSS per step of the last run of each case (MiB above base; seconds):"]
    last = {}
    for r in results:
        last[r["case"]] = r
    for case, r in last.items():
        cells = []
        for step in ("parse", "check", "store", "argon2", "other"):
            entry = r["steps"].get(step)
            if not entry:
                continue
            peak = entry["peak_rss"]
            delta = mib(peak - r["baseline_rss"]) if peak else "no sample"
            if step == "other":
                cells.append(f"other {delta}")
            else:
                cells.append(f"{step} {delta} ({entry['seconds']:.2f} s, {entry['calls']}x)")
        lines.append(f"  {case:<6} " + "; ".join(cells))
    return "\n".join(lines)


def summary(results: list[dict], max_bytes: int) -> tuple[str, dict]:
    margin = max_bytes * FLAT_MARGIN_SHARE
    cases: dict[str, list[dict]] = {}
    for r in results:
        cases.setdefault(r["case"], []).append(r)
    med = {}
    lines = ["Medians over the repeats (MiB):"]
    for case, runs in cases.items():
        m = {
            key: statistics.median(r[key] for r in runs if r[key] is not None)
            for key in ("baseline_rss", "delta_rss_without_argon2", "delta_rss", "request_s")
        }
        m["ok"] = all(r["ok"] for r in runs)
        med[case] = m
        lines.append(
            f"  {case:<6} base {mib(m['baseline_rss'])}, Δ* {mib(m['delta_rss_without_argon2'])}"
            f", Δ with Argon2 {mib(m['delta_rss'])}, {m['request_s']:.2f} s, "
            f"{'all ok' if m['ok'] else 'NOT all ok'} ({len(runs)} runs)"
        )
    for case in ("large", "repair"):
        if case not in med or "small" not in med:
            continue
        extra = med[case]["delta_rss_without_argon2"] - med["small"]["delta_rss_without_argon2"]
        flat = extra < margin
        med[f"{case}_minus_small_without_argon2"] = extra
        med[f"{case}_flat"] = flat
        lines.append(
            f"{case.capitalize()} minus small, without Argon2: {mib(extra)} MiB -> memory "
            + (
                f"stays flat (< {mib(margin)} MiB, half a document)"
                if flat
                else f"does NOT stay flat (>= {mib(margin)} MiB, half a document)"
            )
        )
    return "\n".join(lines), med


# =============================================================================
# Main
# =============================================================================
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/inaproc_bench",
        help="a dedicated database, name containing 'bench'; created if missing",
    )
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case")
    parser.add_argument(
        "--cases",
        type=login.str_list,
        default=["small", "large"],
        help="comma list of small, large, repair (large PDFs whose cross-reference table "
        "pypdf must rebuild)",
    )
    parser.add_argument("--files", type=int, default=10, help="documents in the large case")
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=10 * MIB,
        help="DOCUMENT_MAX_BYTES for the server (default 10 MiB)",
    )
    parser.add_argument(
        "--file-bytes",
        type=int,
        help="size of each large document (default DOCUMENT_MAX_BYTES - 1 KiB)",
    )
    parser.add_argument("--interval", type=float, default=0.01, help="RSS sampling, seconds")
    parser.add_argument("--settle", type=float, default=1.0, help="pause before the POST, s")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn --timeout (its default)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: free)")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    parser.add_argument(
        "--keep-documents", action="store_true", help="keep the stored files between runs"
    )
    args = parser.parse_args()
    for case in args.cases:
        if case not in CASES:
            parser.error(f"unknown case {case!r}")
    file_bytes = args.file_bytes or args.max_bytes - 1024
    if file_bytes > args.max_bytes:
        parser.error("--file-bytes above --max-bytes: the server would refuse the files")

    created = login.database_ensure(args.database_url)
    if (ROOT / ".env").is_file():
        print("warning: .env exists; config/env.py reads it for variables not set here")
    scratch = Path(tempfile.mkdtemp(prefix="inaproc-upload-bench-"))
    try:
        env = login.server_env(args.database_url, str(scratch / "static"), str(scratch / "media"))
        env.update(
            DOCUMENT_ROOT=str(scratch / "documents"),
            FILE_UPLOAD_TEMP_DIR=str(scratch / "upload-tmp"),
            DOCUMENT_MAX_BYTES=str(args.max_bytes),
        )
        (scratch / "upload-tmp").mkdir()
        print(
            f"database {login.database_name(args.database_url)}"
            f"{' (created)' if created else ''}; scratch {scratch}",
            flush=True,
        )
        login.manage(env, "migrate", "--noinput", "-v", "0")
        login.manage(env, "collectstatic", "--noinput", "-v", "0")
        login.django_setup(env)
        portal_id, kbli_loaded = fixtures_ensure()
        if not kbli_loaded:
            login.manage(env, "load_kbli")
        info = login.machine_info(args.database_url)
        info["pypdf"] = importlib.metadata.version("pypdf")
        print(
            f"{info['nproc']} x {info['cpu_model']}, {info['memory_gib']} GiB, PostgreSQL "
            f"{info['postgresql']}, load average {info['load_average_at_start'][0]:.2f}, "
            f"commit {info['git_commit'][:12]}{' (dirty tree)' if info['git_dirty'] else ''}",
            flush=True,
        )
        small = small_files_make(scratch / "files", len(REQUIRED_KINDS))
        small_files = list(zip(REQUIRED_KINDS, small, strict=True))
        kinds = kinds_for(args.files)
        cases = {"small": small_files}
        for case in ("large", "repair"):
            if case in args.cases:
                paths = files_make(
                    scratch / "files",
                    args.files,
                    file_bytes,
                    args.max_bytes,
                    broken_xref=case == "repair",
                )
                cases[case] = list(zip(kinds, paths, strict=True))
        print(
            f"test files: {args.files} x {file_bytes} bytes (DOCUMENT_MAX_BYTES "
            f"{args.max_bytes}); small: {len(small)} x {small[0].stat().st_size} bytes",
            flush=True,
        )
        ctx = {"scratch": scratch, "portal_id": portal_id}
        results = []
        for repeat in range(args.repeat):
            for case in args.cases:
                files = cases[case]
                try:
                    run = measure(args, env, case, files, small_files, ctx)
                except RegistrationError as error:
                    log = login.log_tail(scratch / "gunicorn.log")
                    sys.exit(f"{case} #{repeat}: {error}\ngunicorn log, last lines:\n{log}")
                run["repeat"] = repeat
                results.append(run)
                print(
                    f"{case} #{repeat}: HTTP {run['status']} in {run['request_s']:.2f} s, "
                    f"RSS base {mib(run['baseline_rss'])} MiB, "
                    f"Δ without Argon2 {mib(run['delta_rss_without_argon2'])} MiB, "
                    f"Δ {mib(run['delta_rss'])} MiB, {'ok' if run['ok'] else 'NOT OK'}",
                    flush=True,
                )
                if not run["ok"]:
                    print(f"  check: {run['check']}; temp left {run['temp_dir_left_bytes']}")
                    if run["error_body"]:
                        print(f"  response: {run['error_body'][:1500]}")
                    print(f"  gunicorn log:\n{login.log_tail(scratch / 'gunicorn.log')}")
        text, medians = summary(results, args.max_bytes)
        output = args.output or (
            ROOT
            / "benchmarks"
            / "results"
            / f"registration-upload-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(
                {
                    "benchmark": "registration_upload",
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "command": " ".join(sys.argv),
                    "machine": info,
                    "settings": {
                        "DOCUMENT_MAX_BYTES": args.max_bytes,
                        "file_bytes": file_bytes,
                        "workers": args.workers,
                        "timeout": args.timeout,
                        "interval_s": args.interval,
                    },
                    "medians": medians,
                    "results": results,
                },
                indent=2,
            )
        )
        print()
        print(table(results))
        print()
        print(steps_table(results))
        print()
        print(text)
        print(f"JSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
