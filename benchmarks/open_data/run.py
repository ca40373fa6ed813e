"""Open data throughput (issue 18): how fast one client follows the OCDS change feed to its
end, and how long the daily bulk file of one portal-day takes to build, on PostgreSQL with
gunicorn and the production settings.

    . .venv/bin/activate
    python benchmarks/open_data/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/h_opendata_bench \\
        --tenders 10000 --portals 5

Set-up (not timed, kept for the next run): --portals portals, tenders from
`generate_tenders` (random but seeded), then `ocds_backfill` writes their releases
(planning and tender for each published tender; all written today, so today's bulk file
of a portal holds all of that portal's releases: far more than a real portal-day).

Phases:

- ``feed``: gunicorn (``--workers`` sync workers, production settings, the rate limit
  lifted: this measures capacity, not the policy) and one client on one keep-alive
  connection following ``/ocds/releases/?after=…&limit=--limit`` through its ``next``
  links for ``--pages`` pages (or to the end): from the start, from deep in the table
  (the last ``--pages`` pages), then the busiest portal's ``/<slug>/ocds/releases/``.
  ``--releases`` grows the table first by SQL copies of the generated releases.
  Releases per second from the first request to the last byte of the last page; each
  page parsed as JSON by the client (as a mirror would).
  Target: >= 5,000 releases/s.
- ``bulk``: in process, the gzip JSON Lines file of today for the largest portal, and
  then the whole day's set (platform file plus one per portal), as `ocds_bulk_files`
  writes them. Target: one portal-day under a minute.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGET_RELEASES_PER_SECOND = 5000
TARGET_BULK_SECONDS = 60


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The set-up helpers of the national search benchmark (benchmarks/ is not a package).
search = _load("benchmarks_search_run", ROOT / "benchmarks" / "national_search" / "run.py")


def releases_ensure(env: dict[str, str]) -> None:
    started = time.monotonic()
    search.manage(env, "ocds_backfill")
    print(f"ocds_backfill: {time.monotonic() - started:.0f} s", flush=True)


def releases_copied(count: int) -> None:
    """Grow the release table to `count` rows by copying the generated releases in SQL
    (new sequence numbers after the last; same portal, package and body): what the feed
    reads is a range of the sequence index, so the table's size is what matters here, not
    what the copies say. The feed's state is moved past them so the app keeps appending."""
    from django.db import connection, transaction

    from inaproc.opendata.models import FeedState, Release

    have = Release.objects.count()
    if have >= count or have == 0:
        return
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        table = Release._meta.db_table
        columns = [f.column for f in Release._meta.concrete_fields if f.column not in ("id", "seq")]
        names = ", ".join(columns)
        while have < count:
            batch = min(have, count - have)
            cursor.execute(
                f"INSERT INTO {table} (seq, {names}) "  # noqa: S608 - our own column names
                f"SELECT (SELECT MAX(seq) FROM {table}) + ROW_NUMBER() OVER (ORDER BY seq), "
                f"{names} FROM (SELECT * FROM {table} ORDER BY seq LIMIT %s) AS source",
                [batch],
            )
            have += batch
        top = Release.objects.order_by("-seq").values_list("seq", flat=True).first()
        FeedState.objects.update(last_seq=top)
    with connection.cursor() as cursor:  # the planner must know the table grew
        cursor.execute(f"ANALYZE {Release._meta.db_table}")
    print(f"releases copied to {count} in {time.monotonic() - started:.0f} s", flush=True)


def follow(port: int, path: str, limit: int, *, after: int = 0, pages: int = 0) -> dict:
    """Follow the feed at `path` from cursor `after` on one connection, to its end or for
    `pages` pages."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    target = f"{path}?after={after}&limit={limit}"
    releases = pages_read = size = 0
    page_seconds: list[float] = []
    cpu_before = time.process_time()
    started = time.perf_counter()
    while target:
        asked = time.perf_counter()
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        body = response.read()
        page_seconds.append(time.perf_counter() - asked)
        if response.status == 204:
            break
        if response.status != 200:
            sys.exit(f"GET {target}: {response.status} {body[:300]!r}")
        package = json.loads(body)
        releases += len(package["releases"])
        pages_read += 1
        size += len(body)
        following = package.get("links", {}).get("next")
        target = urlsplit(following).path + "?" + urlsplit(following).query if following else ""
        if pages and pages_read >= pages:
            break
    wall = time.perf_counter() - started
    conn.close()
    page_seconds.sort()
    return {
        "path": path,
        "after": after,
        "releases": releases,
        "pages": pages_read,
        "megabytes": size / 1e6,
        "seconds": wall,
        "releases_per_second": releases / wall if wall else 0.0,
        "page_p50_ms": page_seconds[len(page_seconds) // 2] * 1000,
        "page_max_ms": page_seconds[-1] * 1000,
        "client_cpu_seconds": time.process_time() - cpu_before,
    }


def bulk_measure(scratch: Path) -> dict:
    from django.conf import settings
    from django.db.models import Count
    from django.utils import timezone

    from inaproc.opendata import bulk
    from inaproc.opendata.models import Release
    from inaproc.portals.models import Portal

    settings.OCDS_BULK_ROOT = str(scratch / "bulk")
    today = timezone.localdate()
    start, end = bulk._day_bounds(today)
    largest = (
        Release.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("portal_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if largest is None:
        sys.exit("No release written today: run with a fresh database or ocds_backfill today.")
    portal = Portal.objects.get(pk=largest["portal_id"])
    started = time.perf_counter()
    manifest = bulk._write(bulk.bulk_root() / portal.slug, today, portal)
    one = time.perf_counter() - started
    started = time.perf_counter()
    files = bulk.bulk_files_write(day=today)
    whole = time.perf_counter() - started
    return {
        "portal": portal.slug,
        "releases": manifest["releases"],
        "gzip_megabytes": manifest["bytes"] / 1e6,
        "seconds": one,
        "day_files": len(files),
        "day_seconds": whole,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tenders", type=int, default=10_000)
    parser.add_argument("--portals", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=1000, help="releases per page")
    parser.add_argument(
        "--releases", type=int, default=0, help="grow the table to this many by SQL copies"
    )
    parser.add_argument("--pages", type=int, default=50, help="pages per feed measure")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/")
    if name in search.REFUSED_DATABASES or "bench" not in name:
        sys.exit(f"Refusing database {name!r}: use a dedicated one whose name contains 'bench'.")
    env = search.server_env(args.database_url)
    env.update(OCDS_RATE_LIMIT_PER_MINUTE="100000000", LOG_LEVEL="WARNING")
    os.environ.update(env)
    search.database_ensure(args.database_url)
    search.manage(env, "migrate", "--noinput", "-v", "0")
    search.manage(env, "collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    search.portals_ensure(args.portals)
    search.seed_ensure(env, args.tenders)
    releases_ensure(env)
    releases_copied(args.releases)
    from django.db import connection
    from django.db.models import Count

    from inaproc.opendata.models import Release
    from inaproc.portals.models import Portal

    total = Release.objects.count()
    deep = max(
        0,
        (Release.objects.order_by("-seq").values_list("seq", flat=True).first() or 0)
        - args.pages * args.limit,
    )
    busiest = Release.objects.values("portal_id").annotate(n=Count("id")).order_by("-n").first()
    slug = Portal.objects.get(pk=busiest["portal_id"]).slug
    connection.close()
    print(f"{total} releases in the feed; portal for the per-portal feed: {slug}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="opendata-bench-"))
    port = search.free_port()
    server = search.gunicorn_start(env, args.workers, port, scratch / "gunicorn.log")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    try:
        follow(port, "/ocds/releases/", args.limit, pages=5)  # warm-up: connections
        feeds = [
            follow(port, "/ocds/releases/", args.limit, pages=args.pages),
            follow(port, "/ocds/releases/", args.limit, after=deep, pages=args.pages),
            follow(port, f"/{slug}/ocds/releases/", args.limit, pages=args.pages),
        ]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    result = {"feeds": feeds, "bulk": bulk_measure(scratch), "args": vars(args) | {"output": None}}
    for feed in feeds:
        print(
            f"[feed {feed['path']} after {feed['after']}] {feed['releases']} releases in "
            f"{feed['pages']} pages, "
            f"{feed['megabytes']:.0f} MB in {feed['seconds']:.1f} s: "
            f"{feed['releases_per_second']:.0f} releases/s (target >= "
            f"{TARGET_RELEASES_PER_SECOND}); page p50 {feed['page_p50_ms']:.0f} ms, max "
            f"{feed['page_max_ms']:.0f} ms; client CPU {feed['client_cpu_seconds']:.1f} s"
        )
    b = result["bulk"]
    print(
        f"[bulk] {b['portal']}: {b['releases']} releases, {b['gzip_megabytes']:.1f} MB gzip, "
        f"{b['seconds']:.1f} s (target < {TARGET_BULK_SECONDS}); the whole day "
        f"({b['day_files']} files) {b['day_seconds']:.1f} s; peak RSS {b['peak_rss_mib']:.0f} MiB"
    )
    output = args.output or ROOT / "benchmarks" / "results" / (
        f"open-data-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2))
    print(f"JSON: {output}")


if __name__ == "__main__":
    main()
