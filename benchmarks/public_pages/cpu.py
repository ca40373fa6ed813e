"""CPU per request of the same pages as run.py, in-process: a measure that a loaded
machine disturbs far less than requests per second through gunicorn.

    . .venv/bin/activate
    python benchmarks/public_pages/cpu.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench \\
        --redis-url redis://127.0.0.1:6379/14 --requests 300

The production settings plus the bare view (bench_settings.py), Django's handler driven
by the test client (one client, its cookies dropped before each request: anonymous
visitors), requests marked https. For each page: the median CPU time of this process per
request (Python: middleware, view, template, the client's own share, which is the same
for every page) and wall time, and how many of those requests were page-cache hits. The
CPU of PostgreSQL and Redis is not counted (their round trips show in the wall time):
compare a page with the bare view of the same run. The run's Redis keys are deleted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from run import REFUSED_DATABASES, chosen, environment, forget_cached, pages  # noqa: E402

if TYPE_CHECKING:
    from django.test import Client

CALLS_REQUESTS = 20


def setup(description: str) -> tuple[argparse.Namespace, dict[str, str]]:
    """Parse the arguments, check the database, collect the static files; returns the
    arguments and the environment (also this process's, Django set up in it)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL")
    parser.add_argument("--only", default="", help="pages whose label contains this (e.g. 'form')")
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/")
    if name in REFUSED_DATABASES or "bench" not in name:
        sys.exit(f"Refusing database {name!r}: use a dedicated one whose name contains 'bench'.")
    if not 10 <= args.requests <= 5000:
        sys.exit("--requests 10..5000")
    env = environment(args.database_url, args.redis_url)
    env["ALLOWED_HOSTS"] = "testserver"
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=HERE.parents[1],
        check=True,
    )
    print(f"{args.requests} requests per page; shared cache: {args.redis_url or 'none'}\n")
    return args, env


def main() -> None:
    args, env = setup(__doc__.split("\n\n")[0])
    targets = chosen(pages(env), args.only)
    # A browser that comes back keeps its CSRF cookie: the form pages again with it.
    for label, path in list(targets.items()):
        if label.endswith(" form"):
            targets[f"{label}, CSRF cookie kept"] = path
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    try:
        measure(
            client,
            targets,
            args.requests,
            lambda label, n: None if label.endswith("kept") else client.cookies.clear(),
            args.show_queries,
        )
    finally:
        forget_cached(env)


def measure(
    client: Client,
    targets: dict[str, str],
    requests: int,
    before: Callable[[str, int], None],
    show_queries: bool = False,
) -> None:
    """Time `requests` requests of each target after 20 of warm-up (`before(label, n)`
    sets the client up for the n-th: its cookies) and print the table, the first target
    being the bare view; then one more request per target with its SQL captured, for
    the query count (apart: capturing costs CPU), printed too with `show_queries`; then
    CALLS_REQUESTS under cProfile: the Python function calls per request, a count the
    machine's load does not move (it does not see round trips saved nor the database's
    own CPU)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inaproc.core.pagecache import CACHE_HEADER

    print("| page | CPU ms p50 | × bare view (CPU) | wall ms p50 | queries | Python calls | hits |")
    print("|---|---|---|---|---|---|---|")
    bare = None
    for label, path in targets.items():
        for n in range(20):  # warm-up: compiled templates, connections, the cached page
            before(label, n)
            client.get(path)
        cpu, wall, hits = [], [], 0
        for n in range(requests):
            before(label, n)
            started_cpu, started = time.process_time(), time.perf_counter()
            response = client.get(path)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            hits += response.headers.get(CACHE_HEADER) == "hit"
            assert response.status_code == 200, (path, response.status_code)
        before(label, requests)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries = list(captured.captured_queries)  # now: each request clears the log
        profile = cProfile.Profile()
        for n in range(CALLS_REQUESTS):
            before(label, n)
            profile.enable()
            client.get(path)
            profile.disable()
        calls = pstats.Stats(profile).total_calls / CALLS_REQUESTS
        cpu_ms = statistics.median(cpu) * 1000
        bare = bare or cpu_ms
        print(
            f"| {label} | {cpu_ms:.2f} | {bare / cpu_ms:.2f} | "
            f"{statistics.median(wall) * 1000:.2f} | {len(queries)} | {calls:,.0f} | {hits} |",
            flush=True,
        )
        if show_queries:
            for query in queries:
                print(f"    {query['sql'][:300]}")


if __name__ == "__main__":
    main()
