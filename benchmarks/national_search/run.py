"""National search at the platform root with 1,000,000 tenders over 50 portals on
PostgreSQL, measured through HTTP (issue 18: p95 under 50 ms for a keyword and two
filters, under 20 ms for filters alone).

    . .venv/bin/activate
    python benchmarks/national_search/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/h_search_bench \\
        --tenders 1000000 --portals 50 --requests 200

1. Data (only what is missing): the database (its name must contain "bench") is created
   and migrated; --portals portals are created; `manage.py generate_tenders` writes a
   seed of --seed-tenders realistic tenders spread over them (bulk inserts); then
   PostgreSQL copies that seed, portal by portal, until there are --tenders tenders:
   `INSERT … SELECT` of packages, their schedule stages, locations and KBLI rows, with
   the secondary indexes dropped during the copy and built again after it (their
   definitions are read from pg_indexes), then VACUUM ANALYZE. Each copy moves the
   seed to another portal (and its officials) and gives it new codes.
2. gunicorn (`config.wsgi`, production settings, --workers) on a free loopback port;
   one client on one keep-alive connection (`http.client`), requests marked https as
   behind nginx. Time = from sending the request to the last byte of the answer.
   20 warm-up requests, then --requests per scenario with values drawn at random
   (seeded): keyword, jenis, province, year, portal.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REFUSED_DATABASES = {"test", "test_test", "postgres", "template0", "template1"}
INHERITED_ENV = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
KEYWORDS = ["jalan", "gedung", "kesehatan", "rehabilitasi", "jasa", "bandung", "jembatan"]
TYPES = ["barang", "konstruksi", "jasa_lainnya"]
PROVINCES = ["jawa_barat", "jawa_timur", "dki_jakarta", "bali", "sulawesi_selatan"]
METHODS = ["tender", "pengadaan_langsung"]
MAX_REQUESTS = 5000
COPY_TABLES = ("tenders_package", "tenders_schedulestage", "tenders_packagelocation")
CODE_STEP = 10_000_000  # the codes of copy k are the seed's plus k * CODE_STEP


def forget_cached(env: dict[str, str]) -> None:
    """Delete this run's Redis keys (its own prefix; never FLUSHDB). The same as
    benchmarks/public_pages/run.py's, which this directory's `run` module name hides."""
    if env.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        for key in client.scan_iter(f"{env['CACHE_KEY_PREFIX']}*"):
            client.delete(key)


def server_env(database_url: str, redis_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in INHERITED_ENV or k.startswith("PG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_KEY_ENCRYPTION_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        DATABASE_URL=database_url,
        EMAIL_URL="consolemail://",
        SITE_URL="http://127.0.0.1",
        STATIC_ROOT=tempfile.mkdtemp(prefix="search-bench-static-"),
        MEDIA_ROOT=tempfile.mkdtemp(prefix="search-bench-media-"),
        PYTHONUNBUFFERED="1",
    )
    if redis_url:  # as in production (docs/operations.md): portals and pages cached
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"search-bench-{secrets.token_hex(4)}")
    return env


def setup_in_process(database_url: str, redis_url: str = "") -> dict[str, str]:
    """Django set up in this process with the production settings on the benchmark's
    database (refused unless its name contains "bench"), its static files collected:
    for the in-process tools (cpu.py, draws.py). The environment it set."""
    name = urlsplit(database_url).path.lstrip("/")
    if name in REFUSED_DATABASES or "bench" not in name:
        sys.exit(f"Refusing database {name!r}: use a dedicated one whose name contains 'bench'.")
    env = server_env(database_url, redis_url)
    env["ALLOWED_HOSTS"] = "testserver"
    manage(env, "collectstatic", "--noinput", "-v", "0")
    os.environ.update(env)
    import django

    django.setup()
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def database_ensure(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(database_url).path.lstrip("/")
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- Data ------------------------------------------------------------------------------


def portals_ensure(count: int) -> list[int]:
    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create
    from inaproc.reference.regions import Province

    provinces = [label for _, label in Province.choices]
    for n in range(Portal.objects.count(), count):
        place = provinces[n % len(provinces)]
        portal_create(
            slug=f"lpse-{n + 1:02d}",
            name=f"LPSE {place} {n + 1}",
            institution=f"Pemerintah Provinsi {place}",
            helpdesk_phone=f"021 555 {n:04d}",
            helpdesk_email=f"helpdesk{n + 1}@lpse.invalid",
            helpdesk_address=f"Jl. Merdeka {n + 1}, {place}",
        )
    return list(Portal.objects.order_by("pk").values_list("pk", flat=True)[:count])


def seed_ensure(env: dict[str, str], seed_tenders: int) -> None:
    from inaproc.tenders.models import Package

    missing = seed_tenders - Package.objects.count()
    if missing > 0:
        manage(env, "generate_tenders", str(missing), "--force", "--seed", "18")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND is_generated = 'NEVER' AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the copied tables' indexes that no constraint owns."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [list(COPY_TABLES)],
    )
    return cursor.fetchall()


def copies_ensure(tenders: int, portal_ids: list[int]) -> None:
    """Copy the seed (the tenders with codes below the first copy's) until there are
    `tenders`, each copy on the next portal."""
    from django.db import connection, transaction

    from inaproc.tenders.management.commands.generate_tenders import Command

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(code) FROM tenders_package")
        total, first_code = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM tenders_package WHERE code < %s", [first_code + CODE_STEP]
        )
        seed = cursor.fetchone()[0]
    if total >= tenders:
        return
    from inaproc.portals.models import Portal

    officials = {}
    for portal in Portal.objects.filter(pk__in=portal_ids).order_by("pk"):
        ppk, pokja, pejabat = Command()._officials(portal)
        officials[portal.pk] = (ppk.pk, pokja.pk, pejabat.pk)
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # Deferred foreign key checks would keep the indexes from being built in the
        # same transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes = _secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "CREATE TEMP TABLE bench_portal (position int, portal_id bigint, ppk_id bigint, "
            "pokja_id bigint, pp_id bigint) ON COMMIT DROP"
        )
        for position, portal_id in enumerate(portal_ids):
            cursor.execute(
                "INSERT INTO bench_portal VALUES (%s, %s, %s, %s, %s)",
                [position, portal_id, *officials[portal_id]],
            )
        package_columns = _columns(cursor, "tenders_package")
        copy = 1
        while total < tenders:
            size = min(seed, tenders - total)
            _copy_one(cursor, package_columns, copy, size, first_code, len(portal_ids))
            total += size
            print(
                f"  copy {copy}: {total} tenders ({time.monotonic() - started:.0f} s)", flush=True
            )
            copy += 1
        for name, definition in indexes:
            built = time.monotonic()
            cursor.execute(definition)
            print(f"  index {name}: {time.monotonic() - built:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"copied in {time.monotonic() - started:.0f} s", flush=True)


def _copy_one(cursor, columns: list[str], copy: int, size: int, first_code: int, portals: int):
    moved = {
        "code": f"p.code + {copy * CODE_STEP}",
        "portal_id": "bp.portal_id",
        "ppk_id": "bp.ppk_id",
        "pokja_id": "CASE WHEN p.pokja_id IS NULL THEN NULL ELSE bp.pokja_id END",
        "pejabat_pengadaan_id": "CASE WHEN p.pejabat_pengadaan_id IS NULL THEN NULL "
        "ELSE bp.pp_id END",
        "repeat_of_id": "NULL",
    }
    select = ", ".join(moved.get(column, f"p.{column}") for column in columns)
    names = ", ".join(f'"{column}"' for column in columns)
    cursor.execute(
        f"INSERT INTO tenders_package ({names}) SELECT {select} "  # noqa: S608 (our columns)
        "FROM tenders_package p JOIN bench_portal here ON here.portal_id = p.portal_id "
        "JOIN bench_portal bp ON bp.position = (here.position + %s) %% %s "
        "WHERE p.code < %s AND p.code < %s ORDER BY p.code LIMIT %s",
        [copy, portals, first_code + CODE_STEP, first_code + size, size],
    )
    cursor.execute("DROP TABLE IF EXISTS bench_map")
    cursor.execute(
        "CREATE TEMP TABLE bench_map AS SELECT p.id AS seed_id, c.id AS new_id "
        "FROM tenders_package p JOIN tenders_package c ON c.code = p.code + %s "
        "WHERE p.code < %s",
        [copy * CODE_STEP, first_code + CODE_STEP],
    )
    cursor.execute(
        "INSERT INTO tenders_schedulestage (package_id, position, key, starts_at, ends_at, "
        "change_count) SELECT m.new_id, s.position, s.key, s.starts_at, s.ends_at, "
        "s.change_count FROM tenders_schedulestage s JOIN bench_map m ON m.seed_id = s.package_id"
    )
    cursor.execute(
        "INSERT INTO tenders_packagelocation (package_id, province, city) "
        "SELECT m.new_id, l.province, l.city FROM tenders_packagelocation l "
        "JOIN bench_map m ON m.seed_id = l.package_id"
    )
    cursor.execute(
        "INSERT INTO tenders_package_kbli (package_id, kbli_id) SELECT m.new_id, k.kbli_id "
        "FROM tenders_package_kbli k JOIN bench_map m ON m.seed_id = k.package_id"
    )


# --- HTTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(env: dict[str, str], workers: int, port: int, log: Path):
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def scenarios(rng: random.Random, slugs: list[str], years: list[int], codes: list[int]) -> dict:
    def url(**params: object) -> str:
        return "/?" + urlencode(params)

    return {
        "keyword + jenis + province (relevance)": lambda: url(
            q=rng.choice(KEYWORDS), jenis=rng.choice(TYPES), lokasi=rng.choice(PROVINCES)
        ),
        "keyword + year + metode (relevance)": lambda: url(
            q=rng.choice(KEYWORDS), tahun=rng.choice(years), metode=rng.choice(METHODS)
        ),
        "keyword + portal + stage open (relevance)": lambda: url(
            q=rng.choice(KEYWORDS), portal=rng.choice(slugs), tahap="open"
        ),
        "keyword + jenis + province, newest": lambda: url(
            q=rng.choice(KEYWORDS),
            jenis=rng.choice(TYPES),
            lokasi=rng.choice(PROVINCES),
            urut="newest",
        ),
        "jenis + province": lambda: url(jenis=rng.choice(TYPES), lokasi=rng.choice(PROVINCES)),
        "year + metode": lambda: url(tahun=rng.choice(years), metode=rng.choice(METHODS)),
        "portal + jenis": lambda: url(portal=rng.choice(slugs), jenis=rng.choice(TYPES)),
        "stage open + jenis": lambda: url(tahap="open", jenis=rng.choice(TYPES)),
        "jenis + HPS range, HPS sort": lambda: url(
            jenis=rng.choice(TYPES),
            hps_min="1.000.000.000",
            hps_max="5.000.000.000",
            urut="hps_desc",
        ),
        "tender code": lambda: url(q=rng.choice(codes)),
        "directory (no search)": lambda: "/",
    }


def measure(port: int, requests: int, seed: int, misses: bool = False) -> None:
    from inaproc.core.pagecache import CACHE_HEADER
    from inaproc.portals.models import Portal
    from inaproc.tenders.models import Package

    rng = random.Random(seed)  # noqa: S311 - benchmark draws
    slugs = list(Portal.objects.values_list("slug", flat=True))
    years = sorted(set(Package.objects.values_list("budget_year", flat=True).distinct()))
    codes = list(Package.objects.public().order_by("?").values_list("code", flat=True)[:500])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}

    hits = 0
    sent = 0

    def get(path: str) -> float:
        nonlocal hits, sent
        sent += 1
        if misses:  # an unknown parameter changes the page cache's key, not the answer
            path += ("&" if "?" in path else "?") + f"miss={sent}"
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"{path}: {response.status} {body[:300]!r}")
        hits += response.getheader(CACHE_HEADER) == "hit"
        return elapsed

    print(f"\n{requests} requests per scenario after 20 warm-up requests; ms, through HTTP\n")
    print("| scenario | p50 | p95 | max | page-cache hits |")
    print("|---|---|---|---|---|")
    for name, make in scenarios(rng, slugs, years, codes).items():
        for _ in range(20):
            get(make())
        hits = 0
        times = [get(make()) for _ in range(requests)]
        print(
            f"| {name} | {statistics.median(times):.1f} | **{percentile(times, 0.95):.1f}** "
            f"| {max(times):.1f} | {hits} |",
            flush=True,
        )
    conn.close()


class SqlTimer:
    """Wall time inside the database calls of one request."""

    total = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - started


def measure_in_process(requests: int, seed: int) -> None:
    """The same scenarios through Django's test client: the p95 of the time in SQL and
    of the process's CPU time, beside the wall time (no HTTP, no gunicorn)."""
    from django.db import connection
    from django.test import Client

    from inaproc.portals.models import Portal
    from inaproc.tenders.models import Package

    rng = random.Random(seed)  # noqa: S311 - benchmark draws
    slugs = list(Portal.objects.values_list("slug", flat=True))
    years = sorted(set(Package.objects.values_list("budget_year", flat=True).distinct()))
    codes = list(Package.objects.public().order_by("?").values_list("code", flat=True)[:500])
    client, timer = Client(), SqlTimer()
    print(f"\nin-process, {requests} requests per scenario; ms\n")
    print("| scenario | p50 | p95 | p95 CPU | p95 SQL |")
    print("|---|---|---|---|---|")
    for name, make in scenarios(rng, slugs, years, codes).items():
        for _ in range(20):
            client.get(make(), secure=True)
        times, cpu, sql = [], [], []
        for _ in range(requests):
            url = make()
            timer.total = 0.0
            started, started_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timer):
                response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            sql.append(timer.total * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"| {name} | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} | "
            f"{percentile(cpu, 0.95):.1f} | {percentile(sql, 0.95):.1f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tenders", type=int, default=1_000_000)
    parser.add_argument("--portals", type=int, default=50)
    parser.add_argument("--seed-tenders", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--in-process", action="store_true", help="also time in-process")
    parser.add_argument("--redis-url", default="", help="the shared cache, as in production")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument(
        "--misses", action="store_true", help="a distinct URL each time: no page-cache hit"
    )
    parser.add_argument("--build-only", action="store_true", help="build the data, measure nothing")
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/")
    if name in REFUSED_DATABASES or "bench" not in name:
        sys.exit(f"Refusing database {name!r}: use a dedicated one whose name contains 'bench'.")
    if not 1 <= args.requests <= MAX_REQUESTS:
        sys.exit(f"--requests must be between 1 and {MAX_REQUESTS}.")
    env = server_env(args.database_url, args.redis_url)
    os.environ.update(env)
    database_ensure(args.database_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    portal_ids = portals_ensure(args.portals)
    seed_ensure(env, min(args.seed_tenders, args.tenders))
    copies_ensure(args.tenders, portal_ids)
    if args.build_only:
        return
    from django.db import connection

    connection.close()
    port = args.port or free_port()
    log = Path(tempfile.mkdtemp(prefix="search-bench-")) / "gunicorn.log"
    server = gunicorn_start(env, args.workers, port, log)
    # Stopped from outside: stop gunicorn too (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    try:
        measure(port, args.requests, args.seed, args.misses)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    try:
        if args.in_process:
            measure_in_process(args.requests, args.seed)
    finally:
        forget_cached(env)


if __name__ == "__main__":
    main()
