"""Successful logins per second through gunicorn + PostgreSQL against the raw Argon2
verify rate of the same machine, in the same run.

    . .venv/bin/activate
    python benchmarks/login/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench \\
        --workers 2,4 --duration 30 --captcha-mode always,off

For every worker count N it measures, in this order:

1. the Argon2 ceiling: N OS processes, each looping Django's
   ``check_password(password, encoded)`` on a real account's stored hash;
2. for every CAPTCHA mode (and flow): ``gunicorn config.wsgi -w N`` with the production
   settings, driven by C client threads (default C = 2N) that each do, per login:
   new cookie jar -> GET /bench/masuk/ -> CSRF token and CAPTCHA key from the HTML ->
   the CAPTCHA answer from PostgreSQL -> POST -> 302 to /bench/dasbor/;
3. the Argon2 ceiling again (the mean of 1 and 3 is the ceiling; their spread shows
   how steady the machine was). With --repeat R, steps 2 and 3 run R times and the
   medians are printed too.

ratio = successful logins/s / Argon2 verifies/s. The target (docs/performance.md) is
at least 0.85. The run also reports the CPU each party used during the measured window
(client, gunicorn workers, their PostgreSQL backends, everything else on the machine),
so that a result taken on a busy machine can be recognised as such.

The database must be a dedicated one whose name contains "bench" (it is created if
missing; login rows, sessions and CAPTCHA rows in it are deleted before each run). See
benchmarks/login/README.md for the environment the server gets and the caveats.

``--queries`` instead logs in a few times in-process (Django test client, same database
and settings, no HTTP server) and prints the SQL of the login page's GET and of the POST,
and their CPU time outside Argon2.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PORTAL_SLUG = "bench"
PASSWORD = "kursi-kayu-jati-di-beranda-bench-21"  # noqa: S105 - throw-away bench accounts
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CLIENT_APP_NAME = "login-bench-client"
REFUSED_DATABASES = {"test", "test_test", "postgres", "template0", "template1"}
CLK_TCK = os.sysconf("SC_CLK_TCK")
HOOKS = Path(__file__).resolve().parent / "gunicorn_hooks.py"
NPROC = os.cpu_count() or 1
# A safety bound on requests: Argon2 allows ~10 logins/s on two cores, never this many.
MAX_LOGINS_PER_SECOND = 200
INHERITED_ENV = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}


# =============================================================================
# Environment and database
# =============================================================================
def server_env(database_url: str, static_root: str, media_root: str) -> dict[str, str]:
    """Production settings as they run behind nginx; see README.md, "Environment"."""
    # Only what a process needs to run: no setting leaks in from the caller's shell.
    env = {k: v for k, v in os.environ.items() if k in INHERITED_ENV or k.startswith("PG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        EMAIL_URL="consolemail://",
        SITE_URL="http://127.0.0.1",
        STATIC_ROOT=static_root,
        MEDIA_ROOT=media_root,
        PYTHONUNBUFFERED="1",
    )
    return env


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def database_ensure(database_url: str) -> bool:
    """Create the benchmark database if it is missing. True if it was created."""
    import psycopg
    from psycopg import sql

    name = database_name(database_url)
    if not name or name in REFUSED_DATABASES or "bench" not in name:
        sys.exit(
            f"Refusing database {name!r}: use a dedicated database whose name contains "
            "'bench' (e.g. inaproc_bench); the benchmark deletes login rows in it."
        )
    parts = urlsplit(database_url)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def django_setup(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def fixtures_ensure(accounts: int) -> tuple[int, str]:
    """The benchmark portal and `accounts` vendor accounts, made through the project's
    services. Returns (portal id, the stored hash of the first account)."""
    from inaproc.accounts.models import Role, User
    from inaproc.accounts.services import user_create, user_set_password
    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create

    portal = Portal.objects.filter(slug=PORTAL_SLUG).first() or portal_create(
        slug=PORTAL_SLUG, name="LPSE Benchmark", institution="Benchmark"
    )
    for username in usernames(accounts):
        user = User.objects.filter(portal=portal, username=username).first()
        if user is None:
            user_create(
                portal=portal,
                role=Role.VENDOR,
                username=username,
                email=f"{username}@bench.example.id",
                password=PASSWORD,
                notify=False,
            )
        elif not user.check_password(PASSWORD):
            user_set_password(user=user, password=PASSWORD)
    first = User.objects.get(portal=portal, username=usernames(1)[0])
    return portal.pk, first.password


def usernames(count: int) -> list[str]:
    """16-digit NPWP-like usernames, as vendors have."""
    return [str(9900000000000000 + i) for i in range(count)]


def login_rows_clear(portal_id: int, captcha_mode: str) -> None:
    """Start each run from the same state: no earlier attempts, sessions or CAPTCHAs."""
    from captcha.models import CaptchaStore
    from django.contrib.sessions.models import Session
    from django.db import connection

    from inaproc.accounts.models import User, UsernameLock, UserSession
    from inaproc.accounts.models.signin import LoginAttempt
    from inaproc.portals.models import Portal

    LoginAttempt.objects.filter(portal_id=portal_id).delete()
    UsernameLock.objects.filter(portal_id=portal_id).delete()
    UserSession.objects.filter(user__portal_id=portal_id).delete()
    Session.objects.all().delete()
    CaptchaStore.objects.all().delete()
    User.objects.filter(portal_id=portal_id).update(last_login=None)
    # There is no service for portal settings yet; a bench database may be written directly.
    Portal.objects.filter(pk=portal_id).update(captcha_mode=captcha_mode)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the deleted rows gone, fresh statistics
    connection.close()


# =============================================================================
# CPU accounting from /proc
# =============================================================================
def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process (all its threads, exited ones included)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_cpu_seconds() -> tuple[float, float, float]:
    """(busy, total, steal) CPU seconds of the whole machine since boot, from /proc/stat.

    Busy excludes steal (time the hypervisor gave to other guests)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    steal = values[7]
    total = sum(values[:8])  # without guest time, already counted in user
    return (total - idle - steal) / CLK_TCK, total / CLK_TCK, steal / CLK_TCK


def children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def cpu_sum(pids: list[int]) -> float:
    return sum(c for c in map(proc_cpu_seconds, pids) if c is not None)


# =============================================================================
# The Argon2 ceiling
# =============================================================================
def _verify_loop(env, encoded, ready, go, window, results) -> None:
    """One ceiling process: check_password() in a loop; counts completions in the window."""
    import resource

    django_setup(env)
    from django.contrib.auth.hashers import check_password

    assert check_password(PASSWORD, encoded), "the stored hash does not match PASSWORD"
    ready.release()
    go.wait()
    start, end = window[0], window[1]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime  # without Django's setup and the check above
    counted = done = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        check_password(PASSWORD, encoded)
        done += 1
        if start <= time.monotonic() < end:
            counted += 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put({"counted": counted, "done": done, "cpu": usage.ru_utime + usage.ru_stime - cpu0})


def ceiling_measure(env, encoded, processes, warmup, duration) -> dict:
    ctx = multiprocessing.get_context("spawn")
    ready, go = ctx.Semaphore(0), ctx.Event()
    window = ctx.Array("d", [0.0, 0.0])
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_verify_loop, args=(env, encoded, ready, go, window, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        if not ready.acquire(timeout=120):
            sys.exit("Argon2 ceiling processes did not start")
    start = time.monotonic() + warmup
    window[0], window[1] = start, start + duration
    go.set()
    time.sleep(max(0.0, start - time.monotonic()))
    busy0, total0, steal0 = machine_cpu_seconds()
    cpu0 = cpu_sum([w.pid for w in workers])
    time.sleep(max(0.0, start + duration - time.monotonic()))
    busy1, total1, steal1 = machine_cpu_seconds()
    cpu1 = cpu_sum([w.pid for w in workers])
    parts = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join()
    counted = sum(p["counted"] for p in parts)
    done = sum(p["done"] for p in parts)
    window_cpu = cpu1 - cpu0
    machine_busy = busy1 - busy0
    return {
        "processes": processes,
        "verifies": counted,
        "verifies_per_s": counted / duration,
        "cpu_per_verify_s": sum(p["cpu"] for p in parts) / done,
        "machine_busy_share": machine_busy / (total1 - total0),
        "foreign_cpu_share": max(0.0, machine_busy - window_cpu) / (total1 - total0),
        "steal_share": (steal1 - steal0) / (total1 - total0),
    }


# =============================================================================
# The HTTP run
# =============================================================================
FORM_RE = re.compile(r"<form\b.*?</form>", re.S | re.I)
INPUT_RE = re.compile(r"<input\b[^>]*>", re.I)
IMG_RE = re.compile(r'<img\b[^>]*\bsrc="(/captcha/image/[^"]+)"', re.I)
ATTR_RE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"([^"]*)"')


def login_form_fields(html: str) -> dict[str, str]:
    """Named inputs of the form that holds the password field, with their values."""
    for form in FORM_RE.findall(html):
        if 'name="password"' not in form:
            continue
        fields = {}
        for tag in INPUT_RE.findall(form):
            attrs = dict(ATTR_RE.findall(tag))
            if "name" in attrs:
                fields[attrs["name"]] = attrs.get("value", "")
        return fields
    raise LoginError("no login form in the page")


class LoginError(Exception):
    pass


@dataclass
class Client:
    """One client loop: its own connection, cookie jar and PostgreSQL connection."""

    port: int
    database_url: str
    usernames: list[str]
    index: int
    flow: str
    db: object = None
    cookies: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.origin = f"https://127.0.0.1:{self.port}"
        self.login_path = f"/{PORTAL_SLUG}/masuk/"
        self.dashboard_path = f"/{PORTAL_SLUG}/dasbor/"

    def request(self, conn, method: str, path: str, body: str | None = None):
        headers = {
            # What nginx adds in production: the request came over HTTPS.
            "X-Forwarded-Proto": "https",
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "id-ID,id;q=0.9,en;q=0.5",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + self.login_path
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, data

    def captcha_answer(self, key: str) -> str:
        import psycopg

        if self.db is None:
            self.db = psycopg.connect(
                self.database_url, autocommit=True, application_name=CLIENT_APP_NAME
            )
        row = self.db.execute(
            "SELECT response FROM captcha_captchastore WHERE hashkey = %s", [key]
        ).fetchone()
        if row is None:
            raise LoginError(f"no CAPTCHA row for key {key}")
        return row[0]

    def login(self, n: int) -> float:
        """One successful login; returns the POST's own latency (seconds)."""
        self.cookies = {}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            response, data = self.request(conn, "GET", self.login_path)
            if response.status != 200:
                raise LoginError(f"GET login page: {response.status}")
            html = data.decode()
            fields = login_form_fields(html)
            fields["username"] = self.usernames[(self.index + n) % len(self.usernames)]
            fields["password"] = PASSWORD
            if "captcha_0" in fields:
                if self.flow == "browser":
                    image = IMG_RE.search(html)
                    if image is None:
                        raise LoginError("no CAPTCHA image in the page")
                    response, _ = self.request(conn, "GET", image.group(1))
                    if response.status != 200:
                        raise LoginError(f"GET CAPTCHA image: {response.status}")
                fields["captcha_1"] = self.captcha_answer(fields["captcha_0"])
            posted = time.monotonic()
            response, data = self.request(conn, "POST", self.login_path, urlencode(fields))
            post_latency = time.monotonic() - posted
            location = response.headers.get("Location", "")
            if response.status != 302 or urlsplit(location).path != self.dashboard_path:
                raise LoginError(f"POST: {response.status} {location!r} {data[:200]!r}")
            if self.flow == "browser":
                response, _ = self.request(conn, "GET", self.dashboard_path)
                if response.status != 200:
                    raise LoginError(f"GET dashboard: {response.status}")
            return post_latency
        finally:
            conn.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(
    env, workers: int, port: int, log_path: Path, hash_dir: Path | None
) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    if hash_dir is not None:
        command += ["--config", str(HOOKS)]
        env = {**env, "LOGIN_BENCH_HASH_DIR": str(hash_dir)}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}:\n{log_tail(log_path)}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200 and len(children_of(process.pid)) >= workers:
                return process
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    gunicorn_stop(process)
    sys.exit(f"gunicorn did not answer /healthz within 60 s:\n{log_tail(log_path)}")


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.is_file() else ""


def gunicorn_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def backend_pids(database_url: str) -> tuple[list[int], list[int]]:
    """PostgreSQL backends on the benchmark database: (the server's, the clients')."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, application_name FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        ).fetchall()
    server = [pid for pid, app in rows if app != CLIENT_APP_NAME]
    clients = [pid for pid, app in rows if app == CLIENT_APP_NAME]
    return server, clients


def hash_totals(hash_dir: Path | None) -> dict[str, float]:
    """Sum of the gunicorn workers' check_password counters (gunicorn_hooks.py)."""
    totals = {"calls": 0, "cpu_s": 0.0, "wall_s": 0.0}
    for path in hash_dir.glob("*.json") if hash_dir else []:
        try:
            values = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for key in totals:
            totals[key] += values[key]
    return totals


def http_measure(args, env, workers, concurrency, captcha_mode, flow, scratch) -> dict:
    port = args.port or free_port()
    hash_dir = None
    if args.instrument:
        hash_dir = Path(tempfile.mkdtemp(prefix="hash-", dir=scratch))
    server = gunicorn_start(env, workers, port, scratch / "gunicorn.log", hash_dir)
    names = usernames(args.accounts)
    stop = threading.Event()
    lock = threading.Lock()
    done: list[tuple[float, float, float]] = []  # (end, total latency, POST latency)
    errors: list[tuple[float, str]] = []
    budget = [int(MAX_LOGINS_PER_SECOND * (args.warmup + args.duration))]

    def loop(index: int) -> None:
        client = Client(port, args.database_url, names, index, flow)
        n = 0
        try:
            while not stop.is_set():
                with lock:
                    budget[0] -= 1
                    if budget[0] < 0:
                        return
                started = time.monotonic()
                try:
                    post_latency = client.login(n)
                except Exception as error:  # noqa: BLE001 - any failure is a failed login
                    message = f"{type(error).__name__}: {error}"
                    with lock:
                        errors.append((time.monotonic(), message[:300]))
                    time.sleep(0.05)
                else:
                    ended = time.monotonic()
                    with lock:
                        done.append((ended, ended - started, post_latency))
                n += 1
        finally:
            client.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    start = time.monotonic() + args.warmup
    end = start + args.duration
    try:
        time.sleep(max(0.0, start - time.monotonic()))
        workers_pids = children_of(server.pid)
        server_backends, client_backends = backend_pids(args.database_url)
        snapshot0 = (
            time.process_time(),
            cpu_sum(workers_pids),
            cpu_sum(server_backends),
            cpu_sum(client_backends),
            machine_cpu_seconds(),
            hash_totals(hash_dir),
        )
        time.sleep(max(0.0, end - time.monotonic()))
        snapshot1 = (
            time.process_time(),
            cpu_sum(workers_pids),
            cpu_sum(server_backends),
            cpu_sum(client_backends),
            machine_cpu_seconds(),
            hash_totals(hash_dir),
        )
        workers_after = children_of(server.pid)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        gunicorn_stop(server)

    in_window = [d for d in done if start <= d[0] < end]
    window_errors = [e for e in errors if start <= e[0] < end]
    logins = len(in_window)
    client_cpu = snapshot1[0] - snapshot0[0]
    worker_cpu = snapshot1[1] - snapshot0[1]
    server_pg_cpu = snapshot1[2] - snapshot0[2]
    client_pg_cpu = snapshot1[3] - snapshot0[3]
    machine_busy = snapshot1[4][0] - snapshot0[4][0]
    machine_total = snapshot1[4][1] - snapshot0[4][1]
    machine_steal = snapshot1[4][2] - snapshot0[4][2]
    ours = client_cpu + worker_cpu + server_pg_cpu + client_pg_cpu
    hash_calls = snapshot1[5]["calls"] - snapshot0[5]["calls"]
    hash_cpu = snapshot1[5]["cpu_s"] - snapshot0[5]["cpu_s"]
    hash_wall = snapshot1[5]["wall_s"] - snapshot0[5]["wall_s"]
    server_cpu = worker_cpu + server_pg_cpu
    totals = sorted(d[1] for d in in_window)
    posts = sorted(d[2] for d in in_window)
    return {
        "workers": workers,
        "concurrency": concurrency,
        "captcha_mode": captcha_mode,
        "flow": flow,
        "logins": logins,
        "logins_per_s": logins / args.duration,
        "errors": len(window_errors),
        "errors_total": len(errors),
        "error_samples": sorted({e[1] for e in errors})[:5],
        "workers_restarted": sorted(workers_pids) != sorted(workers_after),
        "login_latency_ms": percentiles(totals),
        "post_latency_ms": percentiles(posts),
        "cpu_s": {
            "client": client_cpu,
            "client_pg_backends": client_pg_cpu,
            "gunicorn_workers": worker_cpu,
            "server_pg_backends": server_pg_cpu,
            "machine_busy": machine_busy,
            "machine_steal": machine_steal,
            "machine_total": machine_total,
        },
        "server_cpu_per_login_s": server_cpu / logins if logins else None,
        # From gunicorn_hooks.py (zero calls with --no-instrument): CPU spent inside
        # check_password, and its share of the server's CPU (workers + their backends).
        "hash": {
            "calls": hash_calls,
            "cpu_s": hash_cpu,
            "cpu_per_call_s": hash_cpu / hash_calls if hash_calls else None,
            "wall_per_call_s": hash_wall / hash_calls if hash_calls else None,
        },
        "hash_share_of_server_cpu": hash_cpu / server_cpu if hash_calls and server_cpu else None,
        "rest_cpu_per_login_s": (server_cpu - hash_cpu) / logins if hash_calls and logins else None,
        "client_cpu_share": (client_cpu + client_pg_cpu) / machine_total,
        "foreign_cpu_share": max(0.0, machine_busy - ours) / machine_total,
        "machine_busy_share": machine_busy / machine_total,
        "steal_share": machine_steal / machine_total,
    }


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return {"p50": 1000 * pick(0.50), "p95": 1000 * pick(0.95), "max": 1000 * values[-1]}


# =============================================================================
# --queries: one login in-process, its SQL and the Argon2 share of the POST
# =============================================================================
def queries_report(captcha_mode: str, rounds: int, profile: bool) -> None:
    """Log in `rounds` times in-process (test client, no HTTP server); print the SQL of
    the last login's requests and the median wall and CPU time of each request outside
    Argon2. The first login is discarded (imports, template loading, first parses)."""
    import cProfile
    import pstats

    import django.contrib.auth.base_user as base_user
    from captcha.models import CaptchaStore
    from django.contrib.auth import hashers
    from django.db import connection
    from django.test import Client as TestClient

    hash_wall = hash_cpu = 0.0
    original = hashers.check_password

    def timed_check_password(*a, **kw):
        nonlocal hash_wall, hash_cpu
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*a, **kw)
        finally:
            hash_wall += time.perf_counter() - wall
            hash_cpu += time.process_time() - cpu

    # AbstractBaseUser.check_password calls the name imported into its module.
    base_user.check_password = timed_check_password
    queries: list[tuple[float, str]] = []

    def timed_query(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - t, sql))

    def backend_cpu() -> float:
        connection.ensure_connection()
        return proc_cpu_seconds(connection.connection.info.backend_pid) or 0.0

    path = f"/{PORTAL_SLUG}/masuk/"
    rows = []  # per login: {step: (wall, cpu, db backend cpu, queries)}
    profiler = cProfile.Profile() if profile else None
    client = TestClient(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=USER_AGENT)
    for n in range(rounds + 1):
        client.cookies.clear()  # a new browser; one Client (it loads middleware once)
        row, response = {}, None
        for step in ("GET", "POST"):
            if step == "POST":
                fields = login_form_fields(response.content.decode())
                fields.update(username=usernames(1)[0], password=PASSWORD)
                if "captcha_0" in fields:
                    fields["captcha_1"] = CaptchaStore.objects.get(
                        hashkey=fields["captcha_0"]
                    ).response
            queries.clear()
            hash_wall = hash_cpu = 0.0
            backend0 = backend_cpu()
            wall, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed_query):
                if profiler and n == rounds and step == "POST":
                    profiler.enable()
                if step == "GET":
                    response = client.get(path, secure=True)
                else:
                    response = client.post(path, fields, secure=True)
                if profiler:
                    profiler.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            expected = 200 if step == "GET" else 302
            if response.status_code != expected:
                sys.exit(f"{step}: HTTP {response.status_code}, expected {expected}")
            row[step] = {
                "wall": wall - hash_wall,
                "cpu": cpu - hash_cpu,
                "hash_wall": hash_wall,
                "hash_cpu": hash_cpu,
                "db_backend_cpu": backend_cpu() - backend0,
                "queries": list(queries),
            }
        if n:
            rows.append(row)

    print(
        f"captcha_mode={captcha_mode}; {rounds} logins in-process (test client, production "
        "settings, no HTTP server); medians, Argon2 excluded:"
    )
    for step in ("GET", "POST"):
        last = rows[-1][step]["queries"]
        med = lambda key: statistics.median(r[step][key] for r in rows)  # noqa: B023, E731
        backend = statistics.mean(r[step]["db_backend_cpu"] for r in rows)
        print(
            f"\n== {step}: {med('wall') * 1000:.1f} ms wall, {med('cpu') * 1000:.1f} ms CPU "
            f"in Django, PostgreSQL backend {backend * 1000:.1f} ms CPU (mean of "
            f"10 ms ticks); {len(last)} queries, "
            f"{sum(q[0] for q in last) * 1000:.1f} ms waiting for them (last login):"
        )
        for elapsed, sql in last:
            print(f"  {elapsed * 1000:6.2f} ms  {' '.join(sql.split())[:150]}")
    hash_wall = statistics.median(r["POST"]["hash_wall"] for r in rows)
    hash_cpu = statistics.median(r["POST"]["hash_cpu"] for r in rows)
    rest_cpu = statistics.median(r["GET"]["cpu"] + r["POST"]["cpu"] for r in rows)
    backend_cpu = statistics.mean(
        r["GET"]["db_backend_cpu"] + r["POST"]["db_backend_cpu"] for r in rows
    )
    share = hash_cpu / (hash_cpu + rest_cpu + backend_cpu)
    print(
        f"\ncheck_password: {hash_wall * 1000:.1f} ms wall, {hash_cpu * 1000:.1f} ms CPU (all "
        f"threads). The rest of GET + POST: {rest_cpu * 1000:.1f} ms CPU in Django + "
        f"{backend_cpu * 1000:.1f} ms in PostgreSQL, i.e. Argon2 is {share:.1%} of the CPU "
        "per login (HTTP parsing and gunicorn come on top: measure those with the real run)."
    )
    if profiler:
        print("\n== cProfile of the last POST, by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


# =============================================================================
# Main
# =============================================================================
def int_list(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v]


def str_list(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def machine_info(database_url: str) -> dict:
    import psycopg

    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    with psycopg.connect(database_url) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    git = {}
    for key, cmd in (("commit", ["rev-parse", "HEAD"]), ("status", ["status", "--porcelain"])):
        try:
            git[key] = subprocess.run(  # noqa: S603
                ["git", *cmd],  # noqa: S607
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            git[key] = ""
    import importlib.metadata

    import django
    import gunicorn

    return {
        "nproc": NPROC,
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "postgresql": pg_version,
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "argon2_cffi": importlib.metadata.version("argon2-cffi"),
        "load_average_at_start": os.getloadavg(),
        "git_commit": git["commit"],
        "git_dirty": bool(git["status"]),
    }


def percent(value: float | None) -> str:
    return f"{value:.1%}" if value else "-"


def table(results: list[dict]) -> str:
    head = (
        f"{'N':>2} {'C':>3} {'captcha':<13} {'flow':<7} {'logins/s':>8} {'verif/s':>8} "
        f"{'ratio':>6} {'ratio*':>6} {'hash/CPU':>8} {'client':>6} {'foreign':>7} {'idle':>5} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'err':>4}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        idle = 1 - r["machine_busy_share"] - r["steal_share"]
        lines.append(
            f"{r['workers']:>2} {r['concurrency']:>3} {r['captcha_mode']:<13} {r['flow']:<7} "
            f"{r['logins_per_s']:>8.2f} {r['ceiling_verifies_per_s']:>8.2f} "
            f"{r['ratio']:>6.3f} {r['ratio_client_corrected']:>6.3f} "
            f"{percent(r['hash_share_of_server_cpu']):>8} "
            f"{r['client_cpu_share']:>6.1%} {r['foreign_cpu_share']:>7.1%} {idle:>5.1%} "
            f"{r['login_latency_ms'].get('p50', 0):>7.0f} "
            f"{r['login_latency_ms'].get('p95', 0):>7.0f} {r['errors']:>4}"
        )
    lines.append(
        f"""
ratio    = logins/s / verif/s (the target is >= 0.85); verif/s is the mean of the Argon2
           ceiling measured just before and just after its block of HTTP runs.
ratio*   = ratio with logins/s scaled by 1/(1 - client): a rough estimate for a server
           that does not share the machine with its client.
hash/CPU = share of the server's CPU (gunicorn workers + their PostgreSQL backends) spent
           inside check_password (gunicorn_hooks.py); 1 - hash/CPU is what the rest of the
           login path costs. Much less sensitive to a busy machine than the ratio.
client, foreign, idle = CPU of this process and its PostgreSQL connections / of every
           other process on the machine / left idle, as shares of all {NPROC} CPUs during
           the measured window. A clean run has foreign and idle near 0.
p50, p95 = latency of one whole login (GET, CAPTCHA lookup, POST) as the client saw it."""
    )
    return "\n".join(lines)


def summary(results: list[dict]) -> str:
    """Median and range over the repeats of each configuration."""
    groups: dict[tuple, list[dict]] = {}
    for r in results:
        groups.setdefault((r["workers"], r["concurrency"], r["captcha_mode"], r["flow"]), [])
        groups[(r["workers"], r["concurrency"], r["captcha_mode"], r["flow"])].append(r)
    head = (
        f"{'N':>2} {'C':>3} {'captcha':<13} {'flow':<7} {'runs':>4} {'logins/s':>8} "
        f"{'verif/s':>8} {'ratio':>6} {'min':>6} {'max':>6} {'hash/CPU':>8}"
    )
    lines = ["Medians over the repeats:", head, "-" * len(head)]
    for (workers, concurrency, mode, flow), runs in groups.items():
        med = lambda key: statistics.median(r[key] or 0 for r in runs)  # noqa: B023, E731
        ratios = [r["ratio"] for r in runs]
        lines.append(
            f"{workers:>2} {concurrency:>3} {mode:<13} {flow:<7} {len(runs):>4} "
            f"{med('logins_per_s'):>8.2f} {med('ceiling_verifies_per_s'):>8.2f} "
            f"{statistics.median(ratios):>6.3f} {min(ratios):>6.3f} {max(ratios):>6.3f} "
            f"{percent(med('hash_share_of_server_cpu')):>8}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/inaproc_bench",
        help="a dedicated database, name containing 'bench'; created if missing",
    )
    parser.add_argument("--workers", type=int_list, default=[2], help="comma list, e.g. 2,4")
    parser.add_argument(
        "--concurrency",
        type=int_list,
        default=[],
        help="client loops per worker count "
        "(comma list, same length as --workers, or one value for all); default 2 x workers",
    )
    parser.add_argument("--duration", type=float, default=20, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds first")
    parser.add_argument(
        "--captcha-mode",
        type=str_list,
        default=["always"],
        help="comma list of always, off, after_failure",
    )
    parser.add_argument(
        "--flow",
        type=str_list,
        default=["post"],
        help="post: GET form + POST (default); browser: also GET the CAPTCHA image and "
        "follow the redirect to the dashboard. Comma list for both.",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure every configuration this many times, each block of HTTP runs "
        "between two ceiling measurements; prints medians",
    )
    parser.add_argument("--accounts", type=int, default=20, help="vendor accounts used")
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: free)")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    parser.add_argument(
        "--queries",
        action="store_true",
        help="instead of measuring: log in --rounds times in-process (no HTTP server) and "
        "print the SQL and the non-Argon2 CPU of the GET and the POST",
    )
    parser.add_argument("--rounds", type=int, default=10, help="logins for --queries")
    parser.add_argument("--profile", action="store_true", help="with --queries: cProfile")
    parser.add_argument(
        "--no-instrument",
        dest="instrument",
        action="store_false",
        help="do not load gunicorn_hooks.py (no per-worker check_password CPU counters)",
    )
    args = parser.parse_args()
    if args.concurrency and len(args.concurrency) not in (1, len(args.workers)):
        parser.error("--concurrency needs one value or one per --workers value")
    for mode in args.captcha_mode:
        if mode not in ("always", "off", "after_failure"):
            parser.error(f"unknown CAPTCHA mode {mode!r}")
    for flow in args.flow:
        if flow not in ("post", "browser"):
            parser.error(f"unknown flow {flow!r}")

    created = database_ensure(args.database_url)
    if (ROOT / ".env").is_file():
        print("warning: .env exists; config/env.py reads it for variables not set here")
    scratch = Path(tempfile.mkdtemp(prefix="inaproc-login-bench-"))
    try:
        env = server_env(args.database_url, str(scratch / "static"), str(scratch / "media"))
        print(
            f"database {database_name(args.database_url)}{' (created)' if created else ''}; "
            f"scratch {scratch}",
            flush=True,
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        django_setup(env)
        portal_id, encoded = fixtures_ensure(args.accounts)
        if args.queries:
            login_rows_clear(portal_id, args.captcha_mode[0])
            queries_report(args.captcha_mode[0], args.rounds, args.profile)
            return
        info = machine_info(args.database_url)
        print(
            f"{info['nproc']} x {info['cpu_model']}, PostgreSQL {info['postgresql']}, "
            f"load average {info['load_average_at_start'][0]:.2f}, "
            f"commit {info['git_commit'][:12]}{' (dirty tree)' if info['git_dirty'] else ''}",
            flush=True,
        )
        results = []
        for i, workers in enumerate(args.workers):
            concurrency = (
                (args.concurrency[i] if len(args.concurrency) > 1 else args.concurrency[0])
                if args.concurrency
                else 2 * workers
            )
            ceilings = [ceiling_measure(env, encoded, workers, args.warmup, args.duration)]
            print(
                f"N={workers}: Argon2 ceiling {ceilings[-1]['verifies_per_s']:.2f} verifies/s "
                f"({ceilings[-1]['cpu_per_verify_s'] * 1000:.0f} ms CPU each)",
                flush=True,
            )
            for repeat in range(args.repeat):
                runs = []
                for captcha_mode in args.captcha_mode:
                    for flow in args.flow:
                        login_rows_clear(portal_id, captcha_mode)
                        run = http_measure(
                            args, env, workers, concurrency, captcha_mode, flow, scratch
                        )
                        run["repeat"] = repeat
                        print(
                            f"N={workers} C={concurrency} captcha={captcha_mode} flow={flow}: "
                            f"{run['logins_per_s']:.2f} logins/s, {run['errors']} errors",
                            flush=True,
                        )
                        for sample in run["error_samples"]:
                            print(f"  error: {sample}", flush=True)
                        if run["errors_total"]:
                            log = log_tail(scratch / "gunicorn.log")
                            print(f"  gunicorn log, last lines:\n{log}", flush=True)
                        runs.append(run)
                # Each block of HTTP runs sits between two ceiling measurements.
                ceilings.append(ceiling_measure(env, encoded, workers, args.warmup, args.duration))
                print(
                    f"N={workers}: Argon2 ceiling {ceilings[-1]['verifies_per_s']:.2f} verifies/s",
                    flush=True,
                )
                before, after = ceilings[-2], ceilings[-1]
                ceiling = (before["verifies_per_s"] + after["verifies_per_s"]) / 2
                for run in runs:
                    corrected = run["logins_per_s"] / max(1e-9, 1 - run["client_cpu_share"])
                    run.update(
                        ceiling_before=before,
                        ceiling_after=after,
                        ceiling_verifies_per_s=ceiling,
                        ceiling_spread=abs(before["verifies_per_s"] - after["verifies_per_s"])
                        / ceiling,
                        ratio=run["logins_per_s"] / ceiling,
                        ratio_client_corrected=corrected / ceiling,
                    )
                    results.append(run)
        output = args.output or (
            ROOT
            / "benchmarks"
            / "results"
            / f"login-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(
                {
                    "benchmark": "login",
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "command": " ".join(sys.argv),
                    "machine": info,
                    "duration_s": args.duration,
                    "repeats": args.repeat,
                    "warmup_s": args.warmup,
                    "accounts": args.accounts,
                    "results": results,
                },
                indent=2,
            )
        )
        print()
        print(table(results))
        if args.repeat > 1:
            print()
            print(summary(results))
        spreads = [r["ceiling_spread"] for r in results]
        phases = [
            *results,
            *(r["ceiling_before"] for r in results),
            *(r["ceiling_after"] for r in results),
        ]
        foreign = max(p["foreign_cpu_share"] for p in phases)
        steal = max(p["steal_share"] for p in phases)
        busy = foreign > 0.05 or steal > 0.02 or max(spreads) > 0.05
        print(
            f"\nceiling spread (before vs after) up to {max(spreads):.1%}; foreign CPU up to "
            f"{foreign:.1%}; hypervisor steal up to {steal:.1%}"
            + ("  <- machine was busy: not a clean measurement" if busy else "")
        )
        print(f"JSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
