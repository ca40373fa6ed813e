"""CPU per request of run.py's scenarios, in-process: what a loaded machine disturbs far
less than times through gunicorn.

    . .venv/bin/activate
    python benchmarks/national_search/cpu.py \\
        --database-url postgres://postgres@127.0.0.1:5432/h_search_bench --requests 100

The production settings (as run.py's gunicorn), Django's handler driven by the test
client (anonymous, requests marked https), on a database run.py built. For each
scenario: the median and p95 CPU time of this process per request (middleware, view,
ORM, template; PostgreSQL's own CPU is not counted), the median time spent waiting in
SQL calls, the queries per request, and how many answers were page-cache hits (none
without --redis-url). `--profile SCENARIO` (a prefix of its name) writes a cProfile of
that scenario's requests to `--profile-out` (read it with `python -m pstats`).
`--misses` adds a distinct unknown parameter to each URL: with --redis-url, every
request is then rendered (the portal lookups still cached).
"""

from __future__ import annotations

import argparse
import cProfile
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from run import (  # noqa: E402
    SqlTimer,
    forget_cached,
    percentile,
    scenarios,
    setup_in_process,
)


class QueryCounter:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--misses", action="store_true", help="a distinct URL each time: no page-cache hit"
    )
    parser.add_argument("--only", default="", help="scenarios whose name starts with this")
    parser.add_argument("--profile", default="", help="profile the scenario of this prefix")
    parser.add_argument("--profile-out", default="search.prof")
    args = parser.parse_args()
    if not 10 <= args.requests <= 5000:
        sys.exit("--requests 10..5000")
    env = setup_in_process(args.database_url, args.redis_url)
    from django.db import connection
    from django.test import Client

    from inaproc.core.pagecache import CACHE_HEADER
    from inaproc.portals.models import Portal
    from inaproc.tenders.models import Package

    rng = random.Random(args.seed)  # noqa: S311 - benchmark draws
    slugs = list(Portal.objects.values_list("slug", flat=True))
    years = sorted(set(Package.objects.values_list("budget_year", flat=True).distinct()))
    codes = list(Package.objects.public().order_by("?").values_list("code", flat=True)[:500])
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    timer, counter = SqlTimer(), QueryCounter()
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    print(f"in-process, {args.requests} requests per scenario; ms\n")
    print("| scenario | CPU p50 | CPU p95 | SQL wait p50 | queries | hits |")
    print("|---|---|---|---|---|---|")
    for label, make in scenarios(rng, slugs, years, codes).items():
        if not label.startswith(args.only):
            continue
        for _ in range(20):
            client.cookies.clear()
            client.get(make())
        profiled = profiler is not None and label.startswith(args.profile)
        cpu, sql, queries, hits = [], [], 0, 0
        for n in range(args.requests):
            # An unknown parameter changes the page cache's key, not the answer.
            path = make()
            if args.misses:
                path += ("&" if "?" in path else "?") + f"miss={n}"
            client.cookies.clear()
            timer.total, counter.count = 0.0, 0
            with connection.execute_wrapper(timer), connection.execute_wrapper(counter):
                if profiled:
                    profiler.enable()
                started = time.process_time()
                response = client.get(path)
                cpu.append((time.process_time() - started) * 1000)
                if profiled:
                    profiler.disable()
            assert response.status_code == 200, (path, response.status_code)
            sql.append(timer.total * 1000)
            queries = max(queries, counter.count)
            hits += response.headers.get(CACHE_HEADER) == "hit"
        print(
            f"| {label} | {statistics.median(cpu):.1f} | {percentile(cpu, 0.95):.1f} | "
            f"{statistics.median(sql):.1f} | {queries} | {hits} |",
            flush=True,
        )
    if profiler is not None:
        profiler.dump_stats(args.profile_out)
        print(f"\nprofile: {args.profile_out}")
    forget_cached(env)


if __name__ == "__main__":
    main()
