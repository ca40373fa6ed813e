"""The deadline burst of sealed bids: N vendors (default 500) upload bids sealed offline
(a 5 MiB file, a small qualification file and the bid letter) through the resumable
(tus) endpoint and submit them within a window (default 5 minutes), on PostgreSQL with
gunicorn and the production settings; then every bid, receipt and the log are checked.

    . .venv/bin/activate
    python benchmarks/bid_burst/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench \\
        --vendors 500 --window 300 --arrivals ramp --workers 4

Phases (``--phases``, default all three, in this order):

- ``burst``: vendor i arrives at its time in the window (``--arrivals``: ``uniform``, or
  ``ramp``, whose density grows linearly to twice the mean at the deadline) and, as its
  own client, with the upload capability its bid page gave it (issued at set-up, as
  the page does when the vendor opens it), creates a tus upload per sealed file
  carrying its first piece (tus creation-with-upload) with the capability in
  Upload-Capability, PATCHes
  the rest in ``--chunk-bytes`` pieces (as the bid page does), and submits the bid
  (POST .../penawaran/kirim/, Accept: application/json: the answer is the receipt, with
  a fresh capability for a next bid in its Upload-Capability header).
  Completion time = arrival -> receipt in hand.
- ``copy``: the same kind of bytes (the saturate phase's sealed files) POSTed as plain
  file copies to a benchmark-only view (copy_urls.py) of the same gunicorn, by
  ``--concurrency`` clients back to back: the throughput ceiling of the server set-up.
- ``saturate``: a second tender, every vendor at once through ``--concurrency``
  clients, back to back: the sustained throughput of the whole bid path.
  ratio = saturate MB/s / copy MB/s (target >= 0.5).

After each bid phase: every vendor has exactly one submitted BidVersion holding its
three files with the sealed SHA-256s and sizes, every stored file has them on disk, no
upload is left unfinished; a tree head is signed as at the deadline (heads are also
signed every ``--head-interval`` s during the phase, as the sign_tree_heads job does);
every receipt the vendor downloaded equals the stored one, its signature verifies with
the published keys (/.well-known/inaproc-keys.json), its body names the tender, the
company and the files, and it is in the final head (/log/inclusion); the log has no gap
(indexes 0..size-1, each leaf the hash of its body, each entry signed, the root of all
leaves = the final head's root) and consecutive heads are consistent (/log/consistency).

Before any phase, every worker is warmed with small copies (not timed), so that no
phase pays a worker's first-request loading.

Set-up (not timed): the portal ``bench``, officials with opening keys and a Pokja, and
per bid phase a published tender whose upload stage is open, made as load_demo makes
its tenders (inaproc/demo/tenders.py: the real services, the ceremony of
inaproc/demo/sealed_bids.py); the vendors (accounts, approved companies, members) are
written in bulk once and join each tender in bulk; each vendor gets a session row as a
completed sign-in leaves it (Django session + UserSession, no second factor: a vendor
admin is not asked for one on this portal) and a CSRF cookie. Sealing (not timed) uses
inaproc.seal as the offline tool does. The database must be a dedicated one whose name
contains "bench" (created if missing). See benchmarks/bid_burst/README.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import importlib.util
import io
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MIB = 1 << 20
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
USERNAME_PREFIX = "bburst"
SEND_SIZE = 256 * 1024
RETRY_STATUSES = {409, 423, 500, 502, 503, 504}


def _load_login_benchmark():
    """benchmarks/login/run.py, for its helpers (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "benchmarks_login_run", ROOT / "benchmarks" / "login" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


login = _load_login_benchmark()
PORTAL_SLUG = login.PORTAL_SLUG


# =============================================================================
# Set-up in the database (in-process, through the project's code)
# =============================================================================
@dataclass
class Vendor:
    user_id: int
    company_id: int
    npwp: str
    session_key: str = ""
    csrf: str = ""
    user_session_id: int = 0


def portal_and_officials():
    """The benchmark portal, its officials (opening keys made as load_demo makes them)
    and a Pokja of three."""
    from inaproc.accounts.models import Role, User
    from inaproc.accounts.services import user_create
    from inaproc.demo.tenders import _pokja, demo_officials_load
    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create

    portal = Portal.objects.filter(slug=PORTAL_SLUG).first() or portal_create(
        slug=PORTAL_SLUG, name="LPSE Benchmark", institution="Benchmark"
    )
    admin = User.objects.filter(portal=portal, username="bburstadmin").first() or user_create(
        portal=portal,
        role=Role.PORTAL_ADMIN,
        username="bburstadmin",
        email="bburstadmin@bench.example.id",
        password=secrets.token_urlsafe(24),
        notify=False,
    )
    officials = demo_officials_load(portal=portal)
    return portal, officials, _pokja(portal, officials, admin)


def tender_make(portal, officials, pokja, label: str):
    """A published one-file tender whose bid upload stage runs now (deadline tomorrow
    14:00 WIB), its tender key made by the ceremony and approved by two members."""
    from django.utils import timezone

    from inaproc.demo.sealed_bids import demo_tender_keys
    from inaproc.demo.tenders import _document, _package, _publish_back_dated
    from inaproc.tenders.models import Package
    from inaproc.tenders.services.packages import package_assign

    n = Package.objects.filter(portal=portal).count() + 100
    package = _package(portal, officials["ppk"], f"Benchmark tenggat penawaran {label}", 9e8, n)
    package = package_assign(package=package, by=officials["ppk"], pokja=pokja)
    _document(package, officials["pokja1"])
    demo_tender_keys(package, by=officials["pokja1"])
    approvers = [officials["pokja1"], officials["pokja2"]]
    _publish_back_dated(package, approvers, shows="bidding", now=timezone.now())
    return Package.objects.get(pk=package.pk)


def vendors_ensure(portal, count: int) -> list[Vendor]:
    """`count` vendor admins of approved companies, written in bulk (one Argon2 hash for
    all: they never sign in with a password here)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from inaproc.accounts.models import Role, User
    from inaproc.vendors.models import Company, CompanyMember, Registration

    names = [f"{USERNAME_PREFIX}{i:05d}" for i in range(count)]
    have = set(
        User.objects.filter(portal=portal, username__in=names).values_list("username", flat=True)
    )
    missing = [name for name in names if name not in have]
    if missing:
        password = make_password(secrets.token_urlsafe(24))
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    portal=portal,
                    role=Role.VENDOR,
                    username=name,
                    email=f"{name}@burst-bench.example.id",
                    password=password,
                    is_active=True,
                )
                for name in missing
            )
            companies = Company.objects.bulk_create(
                Company(
                    portal=portal,
                    name=f"PT Tenggat Benchmark {name[-5:]}",
                    legal_form="pt",
                    npwp=npwp_of(int(name[-5:])),
                    nib=f"92{int(name[-5:]):011d}",
                    province="jawa_barat",
                    city="Kota Bandung",
                    street="Jl. Asia Afrika No. 1",
                    postal_code="40111",
                    phone="0812-3456-7890",
                    email=f"{name}@burst-bench.example.id",
                    representative_name="Budi Santoso",
                    representative_nik="3171011708450001",
                    representative_position="Direktur Utama",
                )
                for name in missing
            )
            CompanyMember.objects.bulk_create(
                CompanyMember(company=company, user=user, role="admin")
                for user, company in zip(users, companies, strict=True)
            )
            Registration.objects.bulk_create(
                Registration(portal=portal, company=company, applicant=user, status="approved")
                for user, company in zip(users, companies, strict=True)
            )
    members = CompanyMember.objects.filter(
        user__portal=portal, user__username__in=names
    ).select_related("company", "user")
    by_name = {m.user.username: m for m in members}
    return [
        Vendor(by_name[n].user_id, by_name[n].company_id, by_name[n].company.npwp) for n in names
    ]


def npwp_of(n: int) -> str:
    """A valid 16-digit NPWP (Luhn), as tests/vendors/builders.py npwp_make."""
    from stdnum import luhn

    base = f"{20_000_000 + n:08d}"
    return f"0{base}{luhn.calc_check_digit(base)}101000"


def participations_make(package, vendors: list[Vendor]) -> dict[int, int]:
    """Every vendor joins the tender (bulk; the integrity pact agreed). company -> id."""
    from django.utils import timezone

    from inaproc.tenders.models import Participation

    now = timezone.now()
    rows = Participation.objects.bulk_create(
        Participation(
            package=package,
            company_id=v.company_id,
            joined_by_id=v.user_id,
            integrity_pact_agreed_at=now,
        )
        for v in vendors
    )
    return {row.company_id: row.pk for row in rows}


def sessions_make(vendors: list[Vendor]) -> None:
    """A signed-in session per vendor, as the login view leaves it (tests/helpers.py
    signed_in does the same): Django's session with the auth keys, the UserSession
    record (session_open), and a CSRF secret for the cookie and the X-CSRFToken header."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    from inaproc.accounts.models import User
    from inaproc.accounts.services.sessions import session_open
    from inaproc.core.context import ClientInfo

    users = User.objects.in_bulk([v.user_id for v in vendors])
    for vendor in vendors:
        user = users[vendor.user_id]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        vendor.user_session_id = session_open(
            user=user,
            session_key=store.session_key,
            client=ClientInfo("127.0.0.1", login.USER_AGENT, "Firefox", "Linux"),
        ).pk
        vendor.session_key = store.session_key
        vendor.csrf = get_random_string(32)


def capabilities_issue(package, vendors: list[Vendor]) -> dict[int, str]:
    """The upload capability each vendor's bid page holds (user id -> token): the page
    gets one when it is shown (bids.views._capability), before the vendor starts; the
    benchmark does not fetch the page, so it issues them just before a bid phase (they
    last BID_UPLOAD_CAPABILITY_MINUTES, longer than a phase)."""
    from inaproc.bids.upload_capability import UploadCapability, capability_issue
    from inaproc.tenders.models import Participation

    by_company = dict(Participation.objects.filter(package=package).values_list("company_id", "pk"))
    return {
        v.user_id: capability_issue(
            UploadCapability(
                portal_id=package.portal_id,
                code=package.code,
                participation_id=by_company[v.company_id],
                user_id=v.user_id,
                user_session_id=v.user_session_id,
            )
        )
        for v in vendors
    }


# =============================================================================
# Sealing (offline, before the deadline; not timed)
# =============================================================================
@dataclass
class SealedOut:
    slot: str
    path: Path
    sha256: str
    size: int


def seal_all(package, vendors: list[Vendor], folder: Path, file_bytes: int, threads: int):
    """Each vendor's files sealed with inaproc.seal for the tender's published key: the
    bid (`file_bytes` of random data after a PDF header), a 20 KB qualification file and
    the bid letter. Returns {user_id: [SealedOut]} and the seconds it took."""
    from inaproc.bids.models import TenderKey
    from inaproc.bids.slots import slots_for
    from inaproc.seal.bid_letter import make_bid_letter
    from inaproc.seal.sealed_file import seal_stream

    keys = {k.envelope: bytes(k.public_key) for k in TenderKey.objects.filter(package=package)}
    slots = slots_for(package)
    code = str(package.code)
    folder.mkdir(parents=True, exist_ok=True)

    def one(index: int, vendor: Vendor) -> list[SealedOut]:
        out = []
        for slot in slots:
            if slot.is_letter:
                plain = make_bid_letter(code, 900_000_000 + index * 1000, 60)
                name, kind = "surat-penawaran.json", "application/json"
            else:
                size = file_bytes if slot.code != "kualifikasi" else 20_000
                plain = b"%PDF-1.4\n" + os.urandom(size - 9)
                name, kind = f"{slot.code}.pdf", "application/pdf"
            path = folder / f"{vendor.user_id}-{slot.code}.inpseal"
            with open(path, "wb") as dst:
                result = seal_stream(
                    io.BytesIO(plain),
                    dst,
                    tender=code,
                    slot=slot.code,
                    tender_public_raw=keys[slot.envelope],
                    name=name,
                    content_type=kind,
                    size=len(plain),
                )
            out.append(SealedOut(slot.code, path, result.sha256, result.sealed_size))
        return out

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(len(vendors)), vendors))
    sealed = {v.user_id: r for v, r in zip(vendors, results, strict=True)}
    return sealed, time.monotonic() - started


# =============================================================================
# The client: one vendor's tus uploads, submission and receipt
# =============================================================================
class ClientError(Exception):
    pass


@dataclass
class VendorRun:
    user_id: int
    arrival: float = 0.0  # planned, seconds after the phase start
    started: float = 0.0  # monotonic
    finished: float = 0.0
    ok: bool = False
    error: str = ""
    retries: int = 0
    requests: int = 0
    receipt: dict | None = None
    version: int = 0


class BidClient:
    def __init__(
        self, port: int, code: int, vendor: Vendor, chunk: int, retries: int, capability: str
    ) -> None:
        self.port = port
        self.vendor = vendor
        self.chunk = chunk
        self.max_retries = retries
        base = f"/{PORTAL_SLUG}/perusahaan/tender/{code}/penawaran/"
        self.bid_path = base
        self.upload_path = base + "unggah/"
        self.capability_path = base + "izin-unggah/"
        self.submit_path = base + "kirim/"
        self.capability = capability  # the bid page's; fetched again only if empty
        self.origin = f"https://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.run = VendorRun(vendor.user_id)

    def headers(self, **extra: str) -> dict[str, str]:
        # The portal's own session and CSRF cookies (docs/decisions/0015-per-portal-cookies.md).
        from django.conf import settings

        from inaproc.portals.cookies import portal_cookie_name

        session = portal_cookie_name(settings.SESSION_COOKIE_NAME, PORTAL_SLUG)
        csrf = portal_cookie_name(settings.CSRF_COOKIE_NAME, PORTAL_SLUG)
        return {
            "X-Forwarded-Proto": "https",
            "User-Agent": login.USER_AGENT,
            "Cookie": f"{session}={self.vendor.session_key}; {csrf}={self.vendor.csrf}",
            "X-CSRFToken": self.vendor.csrf,
            "Origin": self.origin,
            "Referer": self.origin + self.bid_path,
            **extra,
        }

    def request(self, method: str, path: str, body=None, **headers: str):
        self.run.requests += 1
        try:
            self.conn.request(method, path, body=body, headers=self.headers(**headers))
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response, data

    def fetch_capability(self) -> None:
        """A fresh upload capability, as the bid page renews the one it holds from this
        URL: every tus request carries it in Upload-Capability instead of relying on
        the session (docs/sealed-bids.md)."""
        _response, data = self.retrying(
            "GET", self.capability_path, None, {200}, Accept="application/json"
        )
        self.capability = json.loads(data)["capability"]

    def upload(self, sealed: SealedOut) -> None:
        metadata = ",".join(
            f"{k} {b64(v)}"
            for k, v in (
                ("slot", sealed.slot),
                ("sha256", sealed.sha256),
                ("filename", f"{sealed.slot}.inpseal"),
            )
        )
        # tus creation-with-upload, as the bid page does: the creation carries the first
        # piece (all of a small file). A failed creation is made again, as tus-js-client
        # does (the abandoned upload expires).
        first = min(self.chunk, sealed.size)
        response, data = self.retrying(
            "POST",
            self.upload_path,
            lambda: file_part(sealed.path, 0, first),
            {201},
            **{
                "Upload-Capability": self.capability,
                "Tus-Resumable": "1.0.0",
                "Upload-Length": str(sealed.size),
                "Upload-Metadata": metadata,
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(first),
            },
        )
        location = urlsplit(response.getheader("Location", "")).path
        # No Upload-Offset when no byte came with the creation (an empty file).
        offset = int(response.getheader("Upload-Offset") or 0)
        while offset < sealed.size:
            count = min(self.chunk, sealed.size - offset)
            try:
                response, data = self.request(
                    "PATCH",
                    location,
                    file_part(sealed.path, offset, count),
                    **{
                        "Upload-Capability": self.capability,
                        "Tus-Resumable": "1.0.0",
                        "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                        "Content-Length": str(count),
                    },
                )
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status, data = 0, str(error).encode()
            if status == 204:
                offset = int(response.getheader("Upload-Offset"))
                continue
            if status and status not in RETRY_STATUSES:
                raise ClientError(f"PATCH {status}: {data[:300]!r}")
            offset = self.resume_offset(location, status, data)

    def resume_offset(self, location: str, status: int, data: bytes) -> int:
        """After a failed PATCH: back off, then ask the server where the upload is."""
        self.run.retries += 1
        if self.run.retries > self.max_retries:
            raise ClientError(
                f"PATCH failed {self.run.retries} times, last {status} {data[:200]!r}"
            )
        time.sleep(min(5.0, 0.25 * 2**self.run.retries) * random.random())  # noqa: S311
        response, _data = self.retrying(
            "HEAD",
            location,
            None,
            {200},
            **{"Tus-Resumable": "1.0.0", "Upload-Capability": self.capability},
        )
        return int(response.getheader("Upload-Offset"))

    def retrying(
        self, method: str, path: str, body, expect: set[int], final=frozenset(), **headers: str
    ):
        """`body`: bytes, None, or a callable making a fresh iterable for each try;
        `final`: statuses not worth another try (a refused submit)."""
        while True:
            try:
                fresh = body() if callable(body) else body
                response, data = self.request(method, path, fresh, **headers)
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status, data, response = 0, str(error).encode(), None
            if status in expect:
                return response, data
            if status and (status not in RETRY_STATUSES or status in final):
                raise ClientError(f"{method} {path}: {status} {data[:300]!r}")
            self.run.retries += 1
            if self.run.retries > self.max_retries:
                raise ClientError(f"{method} {path} failed, last {status} {data[:200]!r}")
            time.sleep(min(5.0, 0.25 * 2**self.run.retries) * random.random())  # noqa: S311

    def submit(self) -> None:
        """Submit and keep the receipt: asked as JSON, the answer is the receipt itself
        (201, Location: the receipt's page), no second request."""
        response, data = self.retrying(
            "POST",
            self.submit_path,
            b"",
            {201},
            {409},
            **{
                "Content-Length": "0",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        location = urlsplit(response.getheader("Location", "")).path
        if "/tanda-terima/" not in location:
            raise ClientError(f"submit went to {location!r}")
        self.run.version = int(location.rstrip("/").rsplit("/", 1)[1])
        self.run.receipt = json.loads(data)
        # The next bid (a replacement) would use the fresh capability of the answer.
        self.capability = response.getheader("Upload-Capability", "")
        if not self.capability:
            raise ClientError("the submit's answer carries no upload capability")

    def go(self, files: list[SealedOut]) -> VendorRun:
        self.run.started = time.monotonic()
        try:
            if not self.capability:
                self.fetch_capability()
            for sealed in files:
                self.upload(sealed)
            self.submit()
            self.run.ok = True
        except (ClientError, OSError, http.client.HTTPException, ValueError) as error:
            self.run.error = str(error)[:500]
        finally:
            self.run.finished = time.monotonic()
            self.conn.close()
        return self.run


def b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def file_part(path: Path, offset: int, count: int):
    """`count` bytes of the file from `offset`, read in SEND_SIZE pieces."""
    with open(path, "rb") as f:
        f.seek(offset)
        while count:
            data = f.read(min(SEND_SIZE, count))
            if not data:
                return
            count -= len(data)
            yield data


def post_copy(port: int, body, size: int) -> tuple[int, str | None, bytes]:
    """POST `body` (bytes, or an iterable of them) of `size` bytes to the plain-copy view:
    its status, the size it says it wrote, and its answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request(
            "POST",
            "/_bench/copy/",
            body=body,
            headers={
                "X-Forwarded-Proto": "https",
                "Content-Length": str(size),
                "Content-Type": "application/octet-stream",
            },
        )
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheader("X-Copy-Size"), data
    finally:
        conn.close()


def copy_one(port: int, sealed: SealedOut) -> tuple[bool, str]:
    try:
        status, copied, data = post_copy(port, file_part(sealed.path, 0, sealed.size), sealed.size)
    except (OSError, http.client.HTTPException) as error:
        return False, str(error)
    ok = status == 204 and copied == str(sealed.size)
    return ok, "" if ok else f"{status} {data[:200]!r}"


# =============================================================================
# What the server uses: gunicorn workers and PostgreSQL backends, from /proc
# =============================================================================
def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def pg_backends(database: str) -> list[int]:
    """Processes titled "postgres: <user> <database> ..." (the backends of our database;
    other databases on the same server are other people's)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                title = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # "postgres: [<cluster>: ]<user> <database> <client> <state>"
        parts = title.split()
        if parts[:1] == ["postgres:"] and database in parts[2:4]:
            pids.append(int(entry.name))
    return pids


class Monitor(threading.Thread):
    """Every `interval` s: CPU (user+sys) of each gunicorn worker and each backend of the
    database (the last value seen per process, so that exited ones still count), the
    sum of the workers' RSS, and the machine's busy time."""

    def __init__(self, master_pid: int, database: str, exclude: set[int], interval=0.5):
        super().__init__(daemon=True)
        self.master_pid, self.database, self.exclude = master_pid, database, exclude
        self.interval = interval
        self.started_at: float | None = None
        self.cpu_start: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self.kinds: dict[int, str] = {}
        self.rss_peak_sum = 0
        self.rss_peak_worker = 0
        self.stopping = threading.Event()

    def sample(self) -> None:
        workers = login.children_of(self.master_pid)
        backends = [p for p in pg_backends(self.database) if p not in self.exclude]
        for kind, pids in (("worker", workers), ("backend", backends)):
            for pid in pids:
                cpu = login.proc_cpu_seconds(pid)
                if cpu is None:
                    continue
                self.cpu_start.setdefault(pid, cpu if self.started_at is None else 0.0)
                self.cpu_last[pid] = cpu
                self.kinds[pid] = kind
        rss = [rss_bytes(pid) for pid in workers]
        self.rss_peak_sum = max(self.rss_peak_sum, sum(rss))
        self.rss_peak_worker = max([self.rss_peak_worker, *rss])

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def begin(self) -> None:
        self.started_at = None
        self.sample()  # processes alive now: count from here
        self.started_at = time.monotonic()
        self.machine_start = login.machine_cpu_seconds()
        self.own_start = time.process_time()
        self.start()

    def end(self) -> dict:
        self.stopping.set()
        self.join()
        self.sample()
        busy0, total0, steal0 = self.machine_start
        busy1, total1, steal1 = login.machine_cpu_seconds()
        used = {"worker": 0.0, "backend": 0.0}
        for pid, last in self.cpu_last.items():
            used[self.kinds[pid]] += last - self.cpu_start.get(pid, 0.0)
        wall = time.monotonic() - self.started_at
        return {
            "wall_s": wall,
            "workers_cpu_s": used["worker"],
            "backends_cpu_s": used["backend"],
            "server_cpu_s": used["worker"] + used["backend"],
            "server_cpu_share_of_2_cores": (used["worker"] + used["backend"]) / wall / login.NPROC,
            "client_cpu_s": time.process_time() - self.own_start,
            "machine_busy_share": (busy1 - busy0) / max(total1 - total0, 1e-9),
            "machine_steal_share": (steal1 - steal0) / max(total1 - total0, 1e-9),
            "workers_rss_peak_sum": self.rss_peak_sum,
            "worker_rss_peak": self.rss_peak_worker,
        }


# =============================================================================
# Phases
# =============================================================================
def warm_up(port: int, workers: int) -> None:
    """Before any phase is timed: small plain copies from several clients at once, so that
    every worker has loaded what a worker loads on its first request (the translation
    catalogues, the database connection, the URL configuration where the server does not
    load it at start). Otherwise the first phase (the copy) pays for it and looks slower."""
    body = b"w" * 1024
    with concurrent.futures.ThreadPoolExecutor(2 * workers) as pool:
        answers = list(pool.map(lambda _: post_copy(port, body, len(body)), range(16 * workers)))
    statuses = {status for status, _copied, _data in answers}
    if statuses != {204}:
        sys.exit(f"warm-up copies failed: {sorted(statuses)}")


def arrivals(count: int, window: float, kind: str, seed: int) -> list[float]:
    rng = random.Random(seed)  # noqa: S311 - a schedule, not a secret
    if kind == "all" or window <= 0:
        return [0.0] * count
    if kind == "uniform":
        times = [window * (i + rng.random()) / count for i in range(count)]
    elif kind == "ramp":  # density 2t/W²: none at the start, twice the mean at the deadline
        times = [window * (rng.random() ** 0.5) for _ in range(count)]
    else:
        raise ValueError(kind)
    rng.shuffle(times)
    return times


class HeadSigner(threading.Thread):
    """Signs a tree head every `interval` s while a phase runs, as the sign_tree_heads
    job does in production (every 10 minutes there), so that the phase leaves several
    heads whose consistency is then checked."""

    def __init__(self, portal, interval: float, backend_pids: set[int]) -> None:
        super().__init__(daemon=True)
        self.portal, self.interval, self.backend_pids = portal, interval, backend_pids
        self.stopping = threading.Event()
        self.signed = 0

    def run(self) -> None:
        from django.db import connection

        from inaproc.translog.services import sign_tree_head

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend_pids.add(cursor.fetchone()[0])
        try:
            while not self.stopping.wait(self.interval):
                sign_tree_head(portal=self.portal)
                self.signed += 1
        finally:
            connection.close()


def run_vendors(
    port, package, vendors, sealed, times, in_flight, args, capabilities
) -> list[VendorRun]:
    """Start vendor i at times[i] (seconds from now), at most `in_flight` at once."""
    start = time.monotonic()
    order = sorted(range(len(vendors)), key=lambda i: times[i])
    results: list[VendorRun] = []
    with concurrent.futures.ThreadPoolExecutor(in_flight) as pool:
        futures = []
        for i in order:
            delay = start + times[i] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            vendor = vendors[i]
            client = BidClient(
                port,
                package.code,
                vendor,
                args.chunk_bytes,
                args.retries,
                capabilities[vendor.user_id],
            )
            client.run.arrival = times[i]
            futures.append(pool.submit(client.go, sealed[vendors[i].user_id]))
        for future in futures:
            results.append(future.result())
    for r in results:
        r.started -= start
        r.finished -= start
    return results


def bid_phase(name, args, ctx, server, port, times, in_flight, sealed, package, vendors):
    from django.db import connection

    from inaproc.translog.models import TreeHead

    first_head = TreeHead.objects.filter(portal=ctx["portal"]).order_by("-tree_size").first()
    capabilities = capabilities_issue(package, vendors)
    connection.close()
    own = set(ctx["own_backends"])
    signer = HeadSigner(ctx["portal"], args.head_interval, own)
    signer.start()
    monitor = Monitor(server.pid, ctx["database"], own)
    monitor.begin()
    started = time.monotonic()
    runs = run_vendors(port, package, vendors, sealed, times, in_flight, args, capabilities)
    wall = time.monotonic() - started
    usage = monitor.end()
    signer.stopping.set()
    signer.join()
    ok = [r for r in runs if r.ok]
    total_bytes = sum(s.size for r in ok for s in sealed[r.user_id])
    completion = sorted(r.finished - r.arrival for r in ok)
    service = sorted(r.finished - r.started for r in ok)
    first = min((r.started for r in runs), default=0.0)
    last = max((r.finished for r in runs), default=0.0)
    result = {
        "phase": name,
        "tender": package.code,
        "vendors": len(vendors),
        "ok": len(ok),
        "failed": len(runs) - len(ok),
        "errors": sorted({r.error for r in runs if r.error})[:10],
        "retries": sum(r.retries for r in runs),
        "requests": sum(r.requests for r in runs),
        "bytes": total_bytes,
        "wall_s": wall,
        "first_start_s": first,
        "last_finish_s": last,
        "in_flight_max": in_flight,
        "mb_per_s": total_bytes / 1e6 / max(last - first, 1e-9),
        "bids_per_s": len(ok) / max(last - first, 1e-9),
        "completion_s": summary_of(completion),
        "service_s": summary_of(service),
        "heads_signed_during": signer.signed,
        "usage": usage,
    }
    result["check"] = verify_phase(args, ctx, port, package, vendors, sealed, runs, first_head)
    return result


def empty_copy_dir(ctx) -> None:
    """The copies' directory emptied (what the copy view wrote is not kept)."""
    shutil.rmtree(ctx["copy_dir"], ignore_errors=True)
    ctx["copy_dir"].mkdir()


def copy_phase(args, ctx, server, port, vendors, sealed) -> dict:
    files = [s for v in vendors for s in sealed[v.user_id]]
    monitor = Monitor(server.pid, ctx["database"], set(ctx["own_backends"]))
    monitor.begin()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        outcomes = list(pool.map(lambda s: copy_one(port, s), files))
    wall = time.monotonic() - started
    usage = monitor.end()
    copied = sum(s.size for s, (ok, _e) in zip(files, outcomes, strict=True) if ok)
    empty_copy_dir(ctx)
    return {
        "phase": "copy",
        "files": len(files),
        "ok": sum(ok for ok, _e in outcomes),
        "errors": sorted({e for ok, e in outcomes if not ok})[:10],
        "bytes": copied,
        "wall_s": wall,
        "mb_per_s": copied / 1e6 / wall,
        "in_flight_max": args.concurrency,
        "usage": usage,
    }


def summary_of(values: list[float]) -> dict:
    if not values:
        return {}
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return {
        "p50": pick(0.5),
        "p95": pick(0.95),
        "max": values[-1],
        "mean": statistics.fmean(values),
    }


# =============================================================================
# Verification after a bid phase
# =============================================================================
def http_json(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise ClientError(f"GET {path}: {response.status} {data[:200]!r}")
        return json.loads(data)
    finally:
        conn.close()


def verify_phase(args, ctx, port, package, vendors, sealed, runs, first_head) -> dict:
    """Everything the brief's "zero lost, every receipt verifiable, the log consistent"
    means, checked; returns counts of what failed (all zero when all is well)."""
    import hashlib

    from django.db import connection

    from inaproc.bids.models import BidVersion
    from inaproc.files.storage import document_open
    from inaproc.seal import merkle
    from inaproc.seal.entries import (
        ENTRY_FORMAT,
        LogVerificationError,
        public_keys_from,
        verify_entry_in_head,
        verify_signed_entry,
        verify_tree_head,
    )
    from inaproc.translog.models import LogEntry, LogState, TreeHead
    from inaproc.translog.services import sign_tree_head
    from inaproc.uploads.models import ResumableUpload, UploadState

    portal = ctx["portal"]
    problems: dict[str, list] = {}

    def problem(kind: str, detail) -> None:
        problems.setdefault(kind, []).append(detail)

    # --- Every vendor: one submitted version, its files as sealed, stored intact. ---
    versions = (
        BidVersion.objects.filter(participation__package=package)
        .select_related("participation")
        .prefetch_related("files")
    )
    by_company: dict[int, list] = {}
    for version in versions:
        by_company.setdefault(version.participation.company_id, []).append(version)
    runs_by_user = {r.user_id: r for r in runs}
    rehashed = 0
    for vendor in vendors:
        mine = by_company.get(vendor.company_id, [])
        submitted = [v for v in mine if v.state == "submitted"]
        if len(mine) != 1 or len(submitted) != 1:
            problem("not_exactly_one_submitted_version", vendor.user_id)
            continue
        version = submitted[0]
        expected = {(s.slot, s.sha256, s.size) for s in sealed[vendor.user_id]}
        got = {(f.slot, f.sha256, f.size) for f in version.files.all()}
        if got != expected:
            problem("files_differ_from_sealed", vendor.user_id)
        for stored in version.files.all():
            if args.rehash:
                digest, size = hashlib.sha256(), 0
                with document_open(name=stored.stored_name) as f:
                    while block := f.read(MIB):
                        digest.update(block)
                        size += len(block)
                rehashed += size
                if digest.hexdigest() != stored.sha256 or size != stored.size:
                    problem("stored_file_differs", stored.stored_name)
        run = runs_by_user.get(vendor.user_id)
        if run is None or run.receipt != version.receipt:
            problem("receipt_downloaded_differs", vendor.user_id)
    leftover = ResumableUpload.objects.filter(target=str(package.code)).exclude(
        state=UploadState.CONSUMED
    )
    for upload in leftover:
        problem("upload_not_consumed", f"{upload.pk} {upload.state} {upload.rejection}")
    parts = [p.name for p in Path(ctx["upload_root"]).glob("*.part")]
    if parts:
        problem("partial_files_left", len(parts))

    # --- The deadline's tree head; the published keys; every head verifies. ---
    sign_tree_head(portal=portal)
    connection.close()
    keys_document = http_json(port, f"/{PORTAL_SLUG}/.well-known/inaproc-keys.json")
    keys = public_keys_from(keys_document)
    since = first_head.tree_size if first_head else 0
    heads = list(
        TreeHead.objects.filter(portal=portal, tree_size__gte=since).order_by("tree_size", "pk")
    )
    head_bodies = []
    for head in heads:
        document = http_json(port, f"/{PORTAL_SLUG}/log/tree-head?tree_size={head.tree_size}")
        try:
            head_bodies.append(verify_tree_head(document, keys, portal=PORTAL_SLUG))
        except LogVerificationError as error:
            problem("tree_head_signature", f"{head.tree_size}: {error}")
    final = head_bodies[-1]
    sizes = sorted({b["tree_size"] for b in head_bodies})
    roots = {b["tree_size"]: b["root_hash"] for b in head_bodies}
    for first, second in zip(sizes, sizes[1:], strict=False):
        answer = http_json(port, f"/{PORTAL_SLUG}/log/consistency?first={first}&second={second}")
        if not merkle.verify_consistency(
            first,
            second,
            bytes.fromhex(roots[first]),
            bytes.fromhex(roots[second]),
            [bytes.fromhex(h) for h in answer["proof"]],
        ):
            problem("consistency_proof", f"{first}->{second}")

    # --- Every receipt: signature, content, inclusion in the deadline's head. ---
    npwp = {v.user_id: v.npwp for v in vendors}
    for run in runs:
        if run.receipt is None:
            problem("no_receipt", run.user_id)
            continue
        try:
            body = verify_signed_entry(run.receipt, keys)
            files = {(f["slot"], f["sha256"], f["size"]) for f in body["files"]}
            expected = {(s.slot, s.sha256, s.size) for s in sealed[run.user_id]}
            if (
                body["kind"] != "bid.received"
                or body["tender"] != str(package.code)
                or body["company_npwp"] != npwp[run.user_id]
                or files != expected
                or body["bid_version"] != run.version
            ):
                problem("receipt_content", run.user_id)
            proof = http_json(
                port,
                f"/{PORTAL_SLUG}/log/inclusion?index={body['log_index']}"
                f"&tree_size={final['tree_size']}",
            )
            verify_entry_in_head(run.receipt, body, final, proof["proof"])
        except (LogVerificationError, ClientError, KeyError, TypeError) as error:
            problem("receipt_verification", f"{run.user_id}: {error}")

    # --- The log: no gap, every leaf its body's hash and signed, the root the head's. ---
    size = LogState.objects.get(portal=portal).size
    leaves = []
    expected_index = 0
    for entry in LogEntry.objects.filter(portal=portal).order_by("index").iterator():
        if entry.index != expected_index:
            problem("log_gap", f"expected {expected_index}, found {entry.index}")
        expected_index = entry.index + 1
        leaf = merkle.leaf_hash(entry.body.encode("ascii"))
        if leaf.hex() != entry.leaf_hash:
            problem("leaf_hash", entry.index)
        leaves.append(leaf)
        try:
            verify_signed_entry(
                {
                    "format": ENTRY_FORMAT,
                    "body": entry.body,
                    "signature": entry.signature,
                    "key_id": entry.key_id,
                },
                keys,
            )
        except LogVerificationError as error:
            problem("entry_signature", f"{entry.index}: {error}")
    if len(leaves) != size:
        problem("log_size", f"{len(leaves)} entries, state says {size}")
    if merkle.root(leaves[: final["tree_size"]]).hex() != final["root_hash"]:
        problem("root_of_entries", final["tree_size"])
    connection.close()
    return {
        "all_ok": not problems,
        "problems": {k: {"count": len(v), "first": v[:5]} for k, v in problems.items()},
        "bid_versions": sum(len(v) for v in by_company.values()),
        "receipts_verified": sum(1 for r in runs if r.receipt is not None)
        - len(problems.get("receipt_verification", [])),
        "tree_heads_checked": len(head_bodies),
        "consistency_proofs_checked": max(len(sizes) - 1, 0),
        "log_size": size,
        "stored_bytes_rehashed": rehashed,
    }


# =============================================================================
# Output
# =============================================================================
def phase_lines(result: dict) -> list[str]:
    u = result["usage"]
    lines = [f"[{result['phase']}]"]
    if result["phase"] == "copy":
        lines.append(
            f"  {result['ok']}/{result['files']} files copied, {result['bytes'] / 1e6:.0f} MB in "
            f"{result['wall_s']:.1f} s with {result['in_flight_max']} clients: "
            f"{result['mb_per_s']:.1f} MB/s"
        )
    else:
        c, s = result["completion_s"], result["service_s"]
        lines += [
            f"  tender {result['tender']}: {result['ok']}/{result['vendors']} bids received "
            f"({result['failed']} failed, {result['retries']} retries, {result['requests']} "
            f"requests), {result['bytes'] / 1e6:.0f} MB",
            f"  first start {result['first_start_s']:.1f} s, last receipt "
            f"{result['last_finish_s']:.1f} s: {result['mb_per_s']:.1f} MB/s, "
            f"{result['bids_per_s']:.2f} bids/s",
        ]
        if c:
            lines.append(
                f"  completion (arrival -> receipt) p50 {c['p50']:.2f} s, p95 {c['p95']:.2f} s, "
                f"max {c['max']:.2f} s; service (own start -> receipt) p50 {s['p50']:.2f} s, "
                f"p95 {s['p95']:.2f} s"
            )
        check = result["check"]
        verdict = "ALL OK" if check["all_ok"] else "PROBLEMS " + json.dumps(check["problems"])
        lines.append(
            f"  check: {verdict}"
            f"; {check['bid_versions']} versions, {check['receipts_verified']} receipts verified "
            f"(signature, content, inclusion), {check['tree_heads_checked']} heads, "
            f"{check['consistency_proofs_checked']} consistency proofs, log size "
            f"{check['log_size']}, {check['stored_bytes_rehashed'] / 1e6:.0f} MB re-hashed"
        )
    for error in result["errors"][:3]:
        lines.append(f"  error: {error}")
    lines.append(
        f"  server CPU {u['server_cpu_s']:.1f} s (workers {u['workers_cpu_s']:.1f}, PostgreSQL "
        f"backends {u['backends_cpu_s']:.1f}) = {100 * u['server_cpu_share_of_2_cores']:.0f} % "
        f"of {login.NPROC} cores over {u['wall_s']:.1f} s; client {u['client_cpu_s']:.1f} s; "
        f"machine busy {100 * u['machine_busy_share']:.0f} %, steal "
        f"{100 * u['machine_steal_share']:.1f} %; workers' RSS peak "
        f"{u['workers_rss_peak_sum'] / MIB:.0f} MiB "
        f"(one worker {u['worker_rss_peak'] / MIB:.0f} MiB)"
    )
    return lines


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
    parser.add_argument("--vendors", type=int, default=500)
    parser.add_argument("--port", type=int, help="gunicorn's port (default: a free one)")
    parser.add_argument("--window", type=float, default=300.0, help="burst window, seconds")
    parser.add_argument("--arrivals", choices=["uniform", "ramp", "all"], default="ramp")
    parser.add_argument("--phases", type=login.str_list, default=["burst", "copy", "saturate"])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--concurrency", type=int, default=8, help="clients in copy/saturate")
    parser.add_argument(
        "--saturate-vendors", type=int, help="vendors of the copy and saturate phases (default all)"
    )
    parser.add_argument("--max-in-flight", type=int, default=500, help="burst client threads")
    parser.add_argument("--file-bytes", type=int, default=5 * MIB, help="the bid file's size")
    parser.add_argument(
        "--chunk-bytes", type=int, default=15 * MIB, help="tus piece size (the page's)"
    )
    parser.add_argument("--retries", type=int, default=20, help="per vendor, then it fails")
    parser.add_argument("--head-interval", type=float, default=60.0, help="seconds")
    parser.add_argument("--timeout", type=int, default=60, help="gunicorn --timeout")
    parser.add_argument("--seal-threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--no-rehash",
        dest="rehash",
        action="store_false",
        help="skip re-reading every stored file for its SHA-256",
    )
    parser.add_argument("--scratch", type=Path, help="parent of the scratch directory")
    parser.add_argument(
        "--profile-dir",
        type=Path,
        help="profile the gunicorn workers (cProfile, profile_hooks.py) into this directory",
    )
    parser.add_argument(
        "--request-cpu-dir",
        type=Path,
        help="count the workers' CPU per kind of request (profile_hooks.py) into this directory",
    )
    parser.add_argument(
        "--redis-url",
        default="",
        help="the shared cache, as production runs (ADR 0014); default: none",
    )
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    args = parser.parse_args()
    for phase in args.phases:
        if phase not in ("burst", "copy", "saturate"):
            parser.error(f"unknown phase {phase!r}")

    created = login.database_ensure(args.database_url)
    database = login.database_name(args.database_url)
    scratch = Path(tempfile.mkdtemp(prefix="inaproc-bid-burst-", dir=args.scratch))
    server = None
    try:
        env = login.server_env(args.database_url, str(scratch / "static"), str(scratch / "media"))
        gunicorn_args = f"--worker-class {args.worker_class} --timeout {args.timeout}"
        if args.worker_class == "gthread":
            gunicorn_args += f" --threads {args.threads}"
        if args.profile_dir:
            args.profile_dir.mkdir(parents=True, exist_ok=True)
            gunicorn_args += f" --config {HERE / 'profile_hooks.py'}"
            env["BID_BURST_PROFILE_DIR"] = str(args.profile_dir.resolve())
        elif args.request_cpu_dir:
            args.request_cpu_dir.mkdir(parents=True, exist_ok=True)
            gunicorn_args += f" --config {HERE / 'profile_hooks.py'}"
            env["BID_BURST_REQUEST_CPU_DIR"] = str(args.request_cpu_dir.resolve())
        env.pop("REDIS_URL", None)
        if args.redis_url:
            env.update(REDIS_URL=args.redis_url, CACHE_KEY_PREFIX=f"bburst-{secrets.token_hex(4)}")
        env.update(
            DJANGO_SETTINGS_MODULE="benchmarks.bid_burst.server_settings",
            # Fixed per database: the portal's signing key stored by an earlier run must
            # still decrypt (a benchmark database holds nothing secret).
            LOG_KEY_ENCRYPTION_KEY=f"bid-burst-benchmark-{database}",
            DOCUMENT_ROOT=str(scratch / "documents"),
            UPLOAD_TEMP_ROOT=str(scratch / "uploads"),
            COPY_BENCH_DIR=str(scratch / "copies"),
            DEMO_KEY_DIR=str(scratch / "demo-keys"),
            GUNICORN_CMD_ARGS=gunicorn_args,
            PYTHONPATH=str(ROOT),
        )
        for name in ("documents", "uploads", "copies"):
            (scratch / name).mkdir()
        print(
            f"database {database}{' (created)' if created else ''}; scratch {scratch}", flush=True
        )
        login.manage(env, "migrate", "--noinput", "-v", "0")
        login.manage(env, "collectstatic", "--noinput", "-v", "0")
        login.django_setup(env)
        info = login.machine_info(args.database_url)
        print(
            f"{info['nproc']} x {info['cpu_model']}, {info['memory_gib']} GiB, PostgreSQL "
            f"{info['postgresql']}, load average {info['load_average_at_start'][0]:.2f}, "
            f"commit {info['git_commit'][:12]}{' (dirty tree)' if info['git_dirty'] else ''}",
            flush=True,
        )
        t0 = time.monotonic()
        portal, officials, pokja = portal_and_officials()
        vendors = vendors_ensure(portal, args.vendors)
        sessions_make(vendors)
        print(
            f"set-up: {len(vendors)} vendors with sessions in {time.monotonic() - t0:.1f} s",
            flush=True,
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            own = {cursor.fetchone()[0]}
        ctx = {
            "portal": portal,
            "database": database,
            "own_backends": own,
            "upload_root": scratch / "uploads",
            "copy_dir": scratch / "copies",
        }
        tenders = {}
        for phase in ("burst", "saturate"):
            wanted = phase in args.phases or (phase == "saturate" and "copy" in args.phases)
            if not wanted:
                continue
            t0 = time.monotonic()
            package = tender_make(portal, officials, pokja, f"{phase} {datetime.now(UTC):%H%M%S}")
            bidders = vendors if phase == "burst" else vendors[: args.saturate_vendors]
            participations_make(package, bidders)
            sealed, seconds = seal_all(
                package, bidders, scratch / f"sealed-{phase}", args.file_bytes, args.seal_threads
            )
            tenders[phase] = (package, sealed)
            total = sum(s.size for files in sealed.values() for s in files)
            print(
                f"tender {package.code} for {phase}: {len(bidders)} x 3 files sealed, "
                f"{total / 1e6:.0f} MB, in {seconds:.1f} s (set-up {time.monotonic() - t0:.1f} s)",
                flush=True,
            )
        connection.close()
        port = args.port or login.free_port()
        server = login.gunicorn_start(env, args.workers, port, scratch / "gunicorn.log", None)
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers"
            f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''} "
            f"on port {port}",
            flush=True,
        )
        warm_up(port, args.workers)
        empty_copy_dir(ctx)
        results = []
        for phase in args.phases:
            print(f"{phase} ...", flush=True)
            if phase == "burst":
                package, sealed = tenders["burst"]
                times = arrivals(len(vendors), args.window, args.arrivals, args.seed)
                result = bid_phase(
                    "burst",
                    args,
                    ctx,
                    server,
                    port,
                    times,
                    args.max_in_flight,
                    sealed,
                    package,
                    vendors,
                )
            elif phase == "copy":
                bidders = vendors[: args.saturate_vendors]
                result = copy_phase(args, ctx, server, port, bidders, tenders["saturate"][1])
            else:
                package, sealed = tenders["saturate"]
                bidders = vendors[: args.saturate_vendors]
                times = [0.0] * len(bidders)
                result = bid_phase(
                    "saturate",
                    args,
                    ctx,
                    server,
                    port,
                    times,
                    args.concurrency,
                    sealed,
                    package,
                    bidders,
                )
            results.append(result)
            print("\n".join(phase_lines(result)), flush=True)
        login.gunicorn_stop(server)
        server = None
        by_phase = {r["phase"]: r for r in results}
        ratio = None
        if "copy" in by_phase and "saturate" in by_phase:
            ratio = by_phase["saturate"]["mb_per_s"] / by_phase["copy"]["mb_per_s"]
            print(f"ratio saturate / copy = {ratio:.2f} (target >= 0.5)")
        output = args.output or (
            ROOT
            / "benchmarks"
            / "results"
            / f"bid-burst-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(
                {
                    "benchmark": "bid_burst",
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "command": " ".join(sys.argv),
                    "machine": info,
                    "settings": {
                        k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                    },
                    "ratio_saturate_to_copy": ratio,
                    "results": results,
                },
                indent=2,
                default=str,
            )
        )
        print(f"JSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
        if any(r.get("check", {}).get("all_ok") is False or r.get("failed") for r in results):
            print("gunicorn log, last lines:\n" + login.log_tail(scratch / "gunicorn.log"))
    finally:
        if server is not None:
            login.gunicorn_stop(server)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
