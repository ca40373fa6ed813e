"""CPU per request and queries of the signed-in dashboards, in-process: the measure a
loaded machine disturbs far less than requests per second through gunicorn.

    . .venv/bin/activate
    python benchmarks/dashboards/cpu.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_dash_bench \\
        --redis-url redis://127.0.0.1:6379/14 --requests 300

The same pages and people as run.py (seed.py), Django's handler driven by the test
client with the production settings and the bare view (benchmarks/public_pages/cpu.py's
measure: median CPU time of this process per request, wall time, queries of one more
request; `--show-queries` prints their SQL). Each request carries the session cookie of
the next person of its page. PostgreSQL's and Redis's own CPU is not counted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "benchmarks" / "public_pages"), str(HERE)]

from cpu import measure, setup  # noqa: E402  (public_pages/cpu.py)
from run import forget_cached  # noqa: E402  (public_pages/run.py)
from seed_client import seed  # noqa: E402


def main() -> None:
    args, env = setup(__doc__.split("\n\n")[0])
    cookie, pages = seed(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")

    def sign_in(label: str, n: int) -> None:
        client.cookies.clear()
        keys = pages[label][1]
        if keys:
            client.cookies[cookie] = keys[n % len(keys)]

    try:
        targets = {label: path for label, (path, _keys) in pages.items()}
        measure(client, targets, args.requests, sign_in, args.show_queries)
    finally:
        forget_cached(env)


if __name__ == "__main__":
    main()
