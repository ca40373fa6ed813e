"""CPU per request of the same pages as run.py, in-process: a measure that a loaded
machine disturbs far less than requests per second through gunicorn.

    . .venv/bin/activate
    python benchmarks/public_pages/cpu.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench \\
        --redis-url redis://127.0.0.1:6379/14 --requests 300

The production settings plus the bare view (bench_settings.py), Django's handler driven
by the test client (one client, its cookies dropped before each request: anonymous
visitors; for the form pages a second row keeps the cookies, the CSRF cookie of a
browser that comes back), requests marked https. For each page: the median CPU time of
this process per request (Python: middleware, view, template, the client's own share,
which is the same for every page) and wall time, and how many of those requests were
page-cache hits. The CPU of PostgreSQL and Redis is not counted (their round trips show
in the wall time): compare a page with the bare view of the same run. The run's Redis
keys are deleted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from run import REFUSED_DATABASES, chosen, environment, pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", default="", help="pages whose label contains this (e.g. 'form')")
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="one request of each page in turn (a load that changes during the run "
        "disturbs every page alike), instead of all requests of one page, then the next",
    )
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
    targets = chosen(pages(env), args.only)
    # A browser that comes back keeps its CSRF cookie: the form pages again with it; and
    # the form pages rendered (no page cache), for the ratio within one run.
    for label, path in list(targets.items()):
        if label.endswith(" form"):
            targets[f"{label}, CSRF cookie kept"] = path
            if args.redis_url:
                targets[f"{label}, rendered (page cache off)"] = path
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from inaproc.core.pagecache import CACHE_HEADER

    clients = {label: Client(HTTP_X_FORWARDED_PROTO="https") for label in targets}
    cpu: dict[str, list[float]] = {label: [] for label in targets}
    wall: dict[str, list[float]] = {label: [] for label in targets}
    hits = dict.fromkeys(targets, 0)
    shared_cache = settings.SHARED_CACHE

    def request(label: str) -> None:
        client = clients[label]
        if not label.endswith("kept"):
            client.cookies.clear()
        settings.SHARED_CACHE = shared_cache and not label.endswith("(page cache off)")
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(targets[label])
        cpu[label].append(time.process_time() - started_cpu)
        wall[label].append(time.perf_counter() - started)
        hits[label] += response.headers.get(CACHE_HEADER) == "hit"
        assert response.status_code == 200, (targets[label], response.status_code)

    order = "one request of each page in turn" if args.interleaved else "page after page"
    print(f"{args.requests} requests per page ({order})")
    print(f"shared cache: {args.redis_url or 'none'}\n")
    print("| page | CPU ms p50 | × bare view (CPU) | wall ms p50 | hits |")
    print("|---|---|---|---|---|")
    try:
        for label in targets:
            for _ in range(20):  # warm-up: compiled templates, connections, the cached page
                request(label)
            cpu[label], wall[label], hits[label] = [], [], 0
        if args.interleaved:
            for _ in range(args.requests):
                for label in targets:
                    request(label)
        else:
            for label in targets:
                for _ in range(args.requests):
                    request(label)
        bare = statistics.median(next(iter(cpu.values())))
        for label in targets:
            cpu_ms = statistics.median(cpu[label]) * 1000
            print(
                f"| {label} | {cpu_ms:.2f} | {bare * 1000 / cpu_ms:.2f} | "
                f"{statistics.median(wall[label]) * 1000:.2f} | {hits[label]} |",
                flush=True,
            )
    finally:
        if args.redis_url:  # this run's keys only (its own prefix), never FLUSHDB
            import redis

            server = redis.Redis.from_url(args.redis_url)
            for key in server.scan_iter(f"{env['CACHE_KEY_PREFIX']}*"):
                server.delete(key)


if __name__ == "__main__":
    main()
