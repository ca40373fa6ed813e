"""Under gunicorn each worker is its own process with its own counters: with
PROMETHEUS_MULTIPROC_DIR (and config/gunicorn_conf.py) a scrape answered by any worker
adds up every worker's counts, so no request goes uncounted whichever worker serves it."""

import concurrent.futures
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

import pytest

from tests.ops.servers import database_url
from tests.ops.test_readiness_and_metrics import RESPONSES, TOKEN, sample

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, **headers: str) -> tuple[int, bytes]:
    request = Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read()


def test_a_scrape_adds_up_the_counts_of_every_worker(tmp_path):
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_TOKEN": TOKEN,
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn_conf.py",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        served = 0
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    served += 1
                    break
            except (URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        # Eight at a time, so both sync workers serve some.
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: get(port, "/healthz")[0], range(60)))
        served += statuses.count(200)
        labels = {"status": "200", "view": "healthz", "method": "GET"}

        scrapes = [
            get(port, "/metrics", Authorization=f"Bearer {TOKEN}")[1].decode() for _ in range(6)
        ]

        assert [sample(text, RESPONSES, **labels) for text in scrapes] == [served] * 6
        assert len({path.name for path in metrics_dir.glob("counter_*.db")}) >= 2
    finally:
        server.terminate()
        server.wait(timeout=30)
