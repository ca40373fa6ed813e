"""Requests per second and latency of the public pages through gunicorn, against a bare
Django view served by the same server in the same run (issue 15, item 1: anonymous
public pages at least 0.5 x the bare view's requests per second, p99 under 100 ms, at 64
connections).

    . .venv/bin/activate
    python benchmarks/public_pages/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_bench \\
        --redis-url redis://127.0.0.1:6379/14 --duration 20

Starts `gunicorn config.wsgi` (sync workers, --workers) with the production settings plus
one bare view (bench_settings.py, bench_urls.py) on a loopback port, on a database that
already has a portal (e.g. the one benchmarks/tender_pages/run.py fills; its name must
contain "bench"), then drives each page with wrk (Debian package `wrk`): --connections
connections, 2 threads, --duration seconds after a 3-second warm-up, requests marked
https as behind nginx, no cookies (anonymous visitors). Without --redis-url the app runs
without a shared cache (nothing cached across requests), as with no REDIS_URL.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
REFUSED_DATABASES = {"test", "test_test", "postgres", "template0", "template1"}
DEFAULT_PORT = 8765


def environment(database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if redis_url:
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}")
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{HERE}{os.pathsep}{ROOT}",
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_KEY_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        EMAIL_URL="consolemail://",
        SITE_URL="http://127.0.0.1",
        STATIC_ROOT=tempfile.mkdtemp(prefix="public-bench-static-"),
        LOG_LEVEL="WARNING",
    )
    return env


def pages(env: dict[str, str]) -> dict[str, str]:
    """The pages to drive: a portal with tenders, its public pages and one tender."""
    script = (
        "import django; django.setup()\n"
        "from inaproc.tenders.models import Package\n"
        "p = Package.objects.public().select_related('portal').order_by('-pk').first()\n"
        "print(p.portal.slug, p.code, p.budget_year)\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )
    slug, code, year = out.stdout.decode().split()
    return {
        "bare Django view": "/platform/bench-bare/",
        "platform home": "/",
        "portal home": f"/{slug}/",
        "announcements": f"/{slug}/pengumuman/",
        "helpdesk contact": f"/{slug}/bantuan/",
        "tender list": f"/{slug}/tender/",
        "tender list: keyword + 2 filters": f"/{slug}/tender/?q=jalan&jenis=barang&tahun={year}",
        "tender announcement": f"/{slug}/tender/{code}/",
        "tender schedule": f"/{slug}/tender/{code}/jadwal/",
        "login form": f"/{slug}/masuk/",
        "password reset request form": f"/{slug}/lupa-kata-sandi/",
    }


def chosen(targets: dict[str, str], only: str) -> dict[str, str]:
    """The bare view (always: the ratios are against it) and the pages whose label
    contains `only` (every page when empty)."""
    return {
        label: path
        for index, (label, path) in enumerate(targets.items())
        if index == 0 or only.lower() in label.lower()
    }


def wait_ready(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("gunicorn stopped")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer")


def wrk(url: str, connections: int, duration: int, script: str = "") -> dict[str, float]:
    """One wrk run; `script`: a wrk Lua script (e.g. the dashboards' session cookies)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    command += ["-H", "X-Forwarded-Proto: https", *(["-s", script] if script else []), url]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for share in ("50", "99"):
        value, unit = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
        result[share] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    # wrk's count of 4xx/5xx, or a script's stricter "Non-200 responses" (a signed-in
    # page answering with a redirect to the login form is a failure there).
    errors = re.findall(r"Non-(?:2xx or 3xx|200) responses: (\d+)", text)
    result["errors"] = max(map(int, errors), default=0)
    # Requests unanswered within --timeout (10 s) or never connected are failures too:
    # wrk leaves them out of the latency and the count.
    socket = re.search(r"Socket errors: connect (\d+), read \d+, write \d+, timeout (\d+)", text)
    result["errors"] += sum(map(int, socket.groups())) if socket else 0
    return result


def prepare(args: argparse.Namespace) -> dict[str, str]:
    """Check the arguments and the database, collect the static files; the environment
    of the server and of the set-up scripts."""
    name = urlsplit(args.database_url).path.lstrip("/")
    if name in REFUSED_DATABASES or "bench" not in name:
        sys.exit(f"Refusing database {name!r}: use a dedicated one whose name contains 'bench'.")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not 1 <= args.duration <= 300 or not 1 <= args.connections <= 1000:
        sys.exit("--duration 1..300, --connections 1..1000")
    env = environment(args.database_url, args.redis_url)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return env


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="loopback port for gunicorn")
    parser.add_argument("--only", default="", help="pages whose label contains this (e.g. 'form')")
    return parser


def drive(
    args: argparse.Namespace,
    env: dict[str, str],
    targets: dict[str, str],
    scripts: dict[str, str] | None = None,
) -> None:
    """Serve the app with gunicorn, drive each target with wrk (`scripts[label]`: its
    Lua script) and print the table, the first target being the bare view."""
    scripts = scripts or {}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "config.wsgi", "--workers", str(args.workers)]
        + ["--bind", f"127.0.0.1:{args.port}", "--backlog", "2048", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_ready(base, server)
        print(f"gunicorn: {args.workers} sync workers; wrk: {args.connections} connections, ")
        print(f"{args.duration} s per page; shared cache: {args.redis_url or 'none'}\n")
        print("| page | requests/s | × bare view | p50 ms | p99 ms | failed |")
        print("|---|---|---|---|---|---|")
        bare = None
        for label, path in targets.items():
            script = scripts.get(label, "")
            wrk(base + path, args.connections, 3, script)
            result = wrk(base + path, args.connections, args.duration, script)
            bare = bare or result["rps"]
            print(
                f"| {label} | {result['rps']:.0f} | {result['rps'] / bare:.2f} | "
                f"{result['50']:.1f} | {result['99']:.1f} | {result['errors']} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        forget_cached(env)


def forget_cached(env: dict[str, str]) -> None:
    """Delete this run's Redis keys (its own prefix; never FLUSHDB)."""
    if env.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        for key in client.scan_iter(f"{env['CACHE_KEY_PREFIX']}*"):
            client.delete(key)


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0]).parse_args()
    env = prepare(args)
    drive(args, env, chosen(pages(env), args.only))


if __name__ == "__main__":
    main()
