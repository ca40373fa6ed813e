"""Every draw of run.py's searches, in-process: the time each request waits in SQL
(the best of --repeat), over all the values the benchmark can draw, not a random sample.

    . .venv/bin/activate
    python benchmarks/national_search/draws.py \\
        --database-url postgres://postgres@127.0.0.1:5432/h_search_bench

The production settings, Django's handler driven by the test client (anonymous, https,
no shared cache: every request rendered), on a database run.py built. Per scenario:
how many draws, then p50, p90, p95 and max of the per-draw SQL time, and their sum
(ms). The best of --repeat runs of each draw keeps a loaded machine's stalls out; what
is left is the database's work. Draws: 7 words × 3 jenis × 5 provinces (105), 7 words ×
the years × 2 methods, 3 jenis × 5 provinces, the years × 2 methods.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

import run as bench  # noqa: E402 (the benchmark's scenarios and helpers)


def draws(years: list[int]) -> dict[str, list[dict]]:
    by_type = list(itertools.product(bench.TYPES, bench.PROVINCES))
    by_year = list(itertools.product(years, bench.METHODS))
    return {
        "keyword + jenis + province (relevance)": [
            {"q": q, "jenis": t, "lokasi": p} for q in bench.KEYWORDS for t, p in by_type
        ],
        "keyword + year + metode (relevance)": [
            {"q": q, "tahun": y, "metode": m} for q in bench.KEYWORDS for y, m in by_year
        ],
        "keyword + jenis + province, newest": [
            {"q": q, "jenis": t, "lokasi": p, "urut": "newest"}
            for q in bench.KEYWORDS
            for t, p in by_type
        ],
        "jenis + province": [{"jenis": t, "lokasi": p} for t, p in by_type],
        "year + metode": [{"tahun": y, "metode": m} for y, m in by_year],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", default="", help="scenarios whose name starts with this")
    args = parser.parse_args()
    bench.setup_in_process(args.database_url)
    from django.db import connection
    from django.test import Client

    from inaproc.tenders.models import Package

    years = sorted(set(Package.objects.values_list("budget_year", flat=True).distinct()))
    client, timer = Client(HTTP_X_FORWARDED_PROTO="https"), bench.SqlTimer()
    print("| scenario | draws | p50 | p90 | p95 | max | sum |")
    print("|---|---|---|---|---|---|---|")
    for label, params in draws(years).items():
        if not label.startswith(args.only):
            continue
        times = []
        for values in params:
            best = float("inf")
            for _ in range(max(1, args.repeat)):
                timer.total = 0.0
                with connection.execute_wrapper(timer):
                    response = client.get("/?" + urlencode(values))
                assert response.status_code == 200, (values, response.status_code)
                best = min(best, timer.total * 1000)
            times.append(best)
        print(
            f"| {label} | {len(times)} | {statistics.median(times):.1f} "
            f"| {bench.percentile(times, 0.9):.1f} | **{bench.percentile(times, 0.95):.1f}** "
            f"| {max(times):.1f} | {sum(times):.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
