"""Server time of the public tender pages with many tenders on PostgreSQL: p50/p95 of
the list with two filters and a keyword, and of a tender's announcement (the issue's
target: p95 under 50 ms with 100,000 tenders), plus a few neighbouring pages.

    . .venv/bin/activate
    python benchmarks/tender_pages/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench --tenders 100000

With --redis-url the shared cache is on (REDIS_URL, as in production with Redis): each
request is timed twice, first with the cached pages dropped just before (a miss: the
page is rendered, but the portal and the maintenance windows come from Redis), then
again (a hit: the page itself from Redis). Without it the app runs as with no Redis:
no cache across requests.

In-process: Django's test client (no HTTP server, no network), the production settings
(DEBUG off, template caching), requests marked https as behind nginx. "Server time" is
the wall time of `client.get()`: middleware, view, queries, template. It first makes
sure the database (its name must contain "bench") is migrated, has a portal, and holds
at least --tenders tenders (`manage.py generate_tenders`, a few minutes for 100,000),
then runs ANALYZE, warms up, and times --requests requests per scenario, each with
randomly drawn values (seeded), so that caches do not answer every time.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REFUSED_DATABASES = {"test", "test_test", "postgres", "template0", "template1"}
# Words that occur in generated names and institutions (generate_tenders).
KEYWORDS = ["jalan", "gedung", "pengadaan", "kesehatan", "rehabilitasi", "jasa", "bandung", "kota"]
TYPES = ["barang", "konstruksi", "jasa_lainnya"]
MAX_REQUESTS = 5000


def environment(database_url: str, redis_url: str) -> None:
    os.environ.pop("REDIS_URL", None)
    if redis_url:
        os.environ.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_KEY_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=database_url,
        EMAIL_URL="consolemail://",
        SITE_URL="http://127.0.0.1",
        STATIC_ROOT=tempfile.mkdtemp(prefix="tender-bench-static-"),
    )


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=os.environ, check=True)  # noqa: S603


def prepare(tenders: int) -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    from django.db import connection

    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create
    from inaproc.tenders.models import Package

    if not Portal.objects.exists():
        portal_create(slug="bench", name="LPSE Bench", institution="Instansi Bench")
    missing = tenders - Package.objects.count()
    if missing > 0:
        manage("generate_tenders", str(missing), "--force", "--seed", str(time.time_ns() % 1000))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


class SqlTimer:
    """Wall time inside the database calls of one request (PostgreSQL's work and the
    round trips), beside the process's own CPU time."""

    total = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - started


def run(requests: int, seed: int, priority: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inaproc.core.cache import versions_bump
    from inaproc.core.pagecache import CACHE_HEADER, PLATFORM_NAMESPACE
    from inaproc.portals.models import Portal
    from inaproc.tenders.models import Package

    rng = random.Random(seed)  # noqa: S311 - benchmark draws
    slugs = list(
        Portal.objects.filter(packages__isnull=False).distinct().values_list("slug", flat=True)
    )
    counts = {slug: Package.objects.public().filter(portal__slug=slug).count() for slug in slugs}
    codes = list(Package.objects.public().order_by("?").values_list("portal__slug", "code")[:2000])
    years = sorted(set(Package.objects.values_list("budget_year", flat=True)))
    client = Client()
    timer = SqlTimer()
    if priority:
        # On a shared machine: this process and its PostgreSQL backend ahead of the
        # rest (needs root), so that other work's CPU weighs less on the times.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        for pid in (os.getpid(), backend):
            os.setpriority(os.PRIO_PROCESS, pid, priority)

    def list_url(**params: object) -> str:
        return f"/{rng.choice(slugs)}/tender/?{urlencode(params)}"

    scenarios = {
        "list: keyword + jenis + tahun": lambda: list_url(
            q=rng.choice(KEYWORDS), jenis=rng.choice(TYPES), tahun=rng.choice(years)
        ),
        "list: keyword + metode + HPS range": lambda: list_url(
            q=rng.choice(KEYWORDS),
            metode="tender",
            hps_min="500.000.000",
            hps_max="5.000.000.000",
        ),
        "list: no filter, page 1": lambda: list_url(),
        "list: no filter, page 50": lambda: list_url(page=50),
        "list: stage now + jenis": lambda: list_url(
            tahap="upload_penawaran", jenis=rng.choice(TYPES)
        ),
        "list: open, deadline sort": lambda: list_url(tahap="open", urut="deadline"),
        "announcement": lambda: "/{}/tender/{}/".format(*rng.choice(codes)),
        "schedule": lambda: "/{}/tender/{}/jadwal/".format(*rng.choice(codes)),
        "portal home (open tenders)": lambda: f"/{rng.choice(slugs)}/",
    }
    print(f"portals with tenders: {counts} (public)")
    print(f"{requests} requests per scenario after 20 warm-up requests; times in ms\n")
    cached = settings.SHARED_CACHE
    print(f"shared cache: {'Redis, ' + settings.REDIS_URL if cached else 'none'}")
    print("| scenario | p50 | p95 | max | p95 Python CPU | p95 SQL | queries |")
    print("|---|---|---|---|---|---|---|")

    def timed(url: str, expected: str | None, sample: dict[str, list[float]]) -> None:
        timer.total = 0.0
        started, started_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            response = client.get(url, secure=True)
        sample["times"].append((time.perf_counter() - started) * 1000)
        sample["cpu"].append((time.process_time() - started_cpu) * 1000)
        sample["sql"].append(timer.total * 1000)
        assert response.status_code == 200, (url, response.status_code)
        assert response.headers.get(CACHE_HEADER) == expected, (url, expected)

    def report(name: str, sample: dict[str, list[float]], queries: int) -> None:
        times, cpu, sql = sample["times"], sample["cpu"], sample["sql"]
        print(
            f"| {name} | {statistics.median(times):.1f} | **{percentile(times, 0.95):.1f}** | "
            f"{max(times):.1f} | {percentile(cpu, 0.95):.1f} | {percentile(sql, 0.95):.1f} | "
            f"{queries} |"
        )

    for name, make_url in scenarios.items():
        for _ in range(20):
            assert client.get(make_url(), secure=True).status_code == 200
        rendered: dict[str, list[float]] = {"times": [], "cpu": [], "sql": []}
        hits: dict[str, list[float]] = {"times": [], "cpu": [], "sql": []}
        for _ in range(requests):
            url = make_url()
            if cached:
                versions_bump(PLATFORM_NAMESPACE)  # every cached page dropped: a miss
            timed(url, "miss" if cached else None, rendered)
            if cached:
                timed(url, "hit", hits)
        url = make_url()
        if cached:
            versions_bump(PLATFORM_NAMESPACE)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        report(name + (" (rendered)" if cached else ""), rendered, len(queries))
        if cached:
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            report(name + " (from the cache)", hits, len(queries))
    if cached:  # this run's keys only (its own prefix), never FLUSHDB
        import redis

        server = redis.Redis.from_url(settings.REDIS_URL)
        for key in server.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}*"):
            server.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tenders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--redis-url",
        default="",
        help="turn the shared cache on with this Redis (e.g. redis://127.0.0.1:6379/14)",
    )
    parser.add_argument(
        "--priority",
        type=int,
        default=0,
        help="nice value for this process and its PostgreSQL backend (e.g. -10, as root)",
    )
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/")
    if name in REFUSED_DATABASES or "bench" not in name:
        sys.exit(f"Refusing database {name!r}: use a dedicated one whose name contains 'bench'.")
    if not 1 <= args.requests <= MAX_REQUESTS:
        sys.exit(f"--requests must be between 1 and {MAX_REQUESTS}.")
    environment(args.database_url, args.redis_url)
    prepare(args.tenders)
    run(args.requests, args.seed, args.priority)


if __name__ == "__main__":
    main()
