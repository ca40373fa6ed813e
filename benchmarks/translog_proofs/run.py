"""CPU time, queries and Python calls of the transparency log's proofs on a large log,
through the node cache (translog.LogNode) against the reference path that read every
leaf hash below the tree size and rebuilt the tree (seal.merkle, before issue 16 item 9).

    . .venv/bin/activate
    python benchmarks/translog_proofs/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench --entries 200000

In-process, production settings. The database's name must contain "bench": it is
migrated, gets a portal "bench-log" whose log is grown to --entries entries (bulk
inserts of entries with real leaf hashes and the matching frontier,
tests/translog/synthetic.py; about a minute for 200,000), and a signed head of a size
below the log's (--older entries fewer). Then, each timed proof being checked equal to
the reference once:

- reference: `seal.merkle` over every leaf hash read (--reference proofs of each kind);
- cold: the portal's cached nodes deleted first, one inclusion proof (it computes and
  stores every node it and its root check need: the whole log once);
- warm: --proofs inclusion proofs at random indexes (against the current size and the
  older signed size) and --proofs consistency proofs (random first size up to the older
  head, to the current size), plus their Python calls each (cProfile).

CPU time is the process's (time.process_time), PostgreSQL's own is not counted; wall
time is printed beside it. On a shared machine the CPU time is the measure to compare.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SLUG = "bench-log"


def configure(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing database {name!r}: its name must contain 'bench'")
    os.environ.pop("REDIS_URL", None)
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_KEY_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "testserver",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": "http://127.0.0.1",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="translog-bench-static-"),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=os.environ,
        check=True,
    )
    import django

    django.setup()


def measure(call: Callable[[], object]) -> tuple[object, float, float, int]:
    """The result, CPU and wall seconds and number of queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        cpu, wall = time.process_time(), time.perf_counter()
        result = call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return result, cpu, wall, len(queries)


def python_calls(call: Callable[[], object]) -> int:
    profile = cProfile.Profile()
    profile.runcall(call)
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--older", type=int, default=1000, help="entries fewer in the head")
    parser.add_argument("--proofs", type=int, default=200)
    parser.add_argument("--reference", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    configure(args.database_url)

    from django.conf import settings
    from django.db import connection

    from inaproc.portals.models import Portal
    from inaproc.portals.services import portal_create
    from inaproc.seal import merkle
    from inaproc.translog import selectors
    from inaproc.translog.models import LogEntry, LogNode, TreeHead
    from tests.translog.synthetic import grow_log, unsigned_head

    portal = Portal.objects.filter(slug=SLUG).first() or portal_create(
        slug=SLUG, name="LPSE Bench Log", institution="Instansi Bench"
    )
    started = time.perf_counter()
    leaves = grow_log(portal, args.entries)
    n, older = len(leaves), len(leaves) - args.older
    if not TreeHead.objects.filter(portal=portal, tree_size=older).exists():
        unsigned_head(portal, leaves, older)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"log of {n} entries ready in {time.perf_counter() - started:.1f} s", flush=True)
    rng = random.Random(args.seed)  # noqa: S311 - benchmark draws

    def reference_leaves(size: int) -> list[bytes]:
        hexes = (
            LogEntry.objects.filter(portal=portal, index__lt=size)
            .order_by("index")
            .values_list("leaf_hash", flat=True)
        )
        return [bytes.fromhex(value) for value in hexes]

    def reference_inclusion(index: int, size: int) -> list[str]:
        return [h.hex() for h in merkle.inclusion_proof(reference_leaves(size), index, size)]

    def reference_consistency(first: int, second: int) -> list[str]:
        return [h.hex() for h in merkle.consistency_proof(reference_leaves(second), first, second)]

    def inclusion(index: int, size: int) -> list[str]:
        return selectors.inclusion_proof(portal=portal, index=index, tree_size=size)

    def consistency(first: int, second: int) -> list[str]:
        return selectors.consistency_proof(portal=portal, first=first, second=second)

    rows: list[tuple[str, int, list[float], list[float], list[int], int]] = []

    def run(label: str, calls: list[Callable[[], list[str]]], expected=None) -> None:
        cpus, walls, queries = [], [], []
        for number, call in enumerate(calls):
            result, cpu, wall, count = measure(call)
            if expected is not None and number == 0 and result != expected:
                sys.exit(f"{label}: the proof differs from the reference")
            cpus.append(cpu * 1000)
            walls.append(wall * 1000)
            queries.append(count)
        calls_each = python_calls(calls[0]) if "warm" in label else 0
        rows.append((label, len(calls), cpus, walls, queries, calls_each))

    index = rng.randrange(older)
    first = rng.randrange(1, older)
    expected_inclusion = reference_inclusion(index, n)
    expected_consistency = reference_consistency(first, n)
    run(
        "reference inclusion (current size)",
        [lambda: reference_inclusion(rng.randrange(n), n) for _ in range(args.reference)],
    )
    run(
        "reference consistency (to current size)",
        [lambda: reference_consistency(rng.randrange(1, older), n) for _ in range(args.reference)],
    )
    LogNode.objects.filter(portal=portal).delete()
    run("cold cache: one inclusion proof", [lambda: inclusion(index, n)], expected_inclusion)
    nodes = LogNode.objects.filter(portal=portal).count()
    run(
        "warm inclusion (current size)",
        [lambda: inclusion(index, n)] + [lambda: inclusion(rng.randrange(n), n)] * args.proofs,
        expected_inclusion,
    )
    run(
        "warm inclusion (older signed head)",
        [lambda: inclusion(rng.randrange(older), older)] * args.proofs,
    )
    run(
        "warm consistency (to current size)",
        [lambda: consistency(first, n)]
        + [lambda: consistency(rng.randrange(1, older), n)] * args.proofs,
        expected_consistency,
    )
    run(
        "warm consistency (older signed head)",
        [lambda: consistency(rng.randrange(1, older), older)] * args.proofs,
    )

    print(
        f"\nentries {n}, node cache level {settings.TRANSLOG_NODE_CACHE_LEVEL}, "
        f"{nodes} cached nodes after the cold proof, {connection.vendor}\n"
    )
    print("| proofs | count | CPU ms median / max | wall ms median / max | queries | calls |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, count, cpus, walls, queries, calls_each in rows:
        print(
            f"| {label} | {count} | {statistics.median(cpus):.2f} / {max(cpus):.2f} | "
            f"{statistics.median(walls):.2f} / {max(walls):.2f} | "
            f"{min(queries)}–{max(queries)} | {calls_each or '–'} |"
        )


if __name__ == "__main__":
    main()
