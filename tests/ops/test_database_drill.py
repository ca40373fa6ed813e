"""Recovery drill: PostgreSQL goes away while the application runs (a restart, a
failover). gunicorn with the production settings reaches the database through a relay
that the test cuts and restores. While it is down every page answers a clear 503 page with
Retry-After (not a 500 and its traceback page), /readyz says the database is missing and
/healthz still answers (the process needs no restart); once it is back the very next
requests are served, by the same processes."""

import time

import pytest
import requests
from django.db import connection

from tests.factories import make_portal
from tests.ops.pgproxy import DatabaseRelay
from tests.ops.servers import production_environment, start_gunicorn, stop
from tests.s3server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relay():
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("a PostgreSQL drill (the SQLite run has no server to lose)")
    relay = DatabaseRelay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.up()
    yield relay
    relay.down()


def test_pages_say_503_while_the_database_is_away_and_recover_without_a_restart(relay, tmp_path):
    portal = make_portal("lpse-drill")
    db = connection.settings_dict
    port = free_port()
    env = production_environment(
        tmp_path,
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{relay.port}/{db['NAME']}",
        LOG_LEVEL="CRITICAL",
    )
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(port, env, log)
    base = f"http://127.0.0.1:{port}"
    home = f"{base}/{portal.slug}/"
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                if requests.get(home, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"gunicorn did not serve:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        # Every worker holds a database connection now.
        for _ in range(6):
            assert requests.get(home, timeout=5).status_code == 200

        relay.down()
        during = [requests.get(home, timeout=10) for _ in range(4)]
        ready = requests.get(f"{base}/readyz", timeout=10)
        alive = requests.get(f"{base}/healthz", timeout=10)

        assert [page.status_code for page in during] == [503] * 4
        assert all(page.headers["Retry-After"] == "30" for page in during)
        assert "Layanan sementara tidak tersedia" in during[0].text
        assert "Traceback" not in during[0].text
        assert ready.status_code == 503, ready.text[:300]
        assert ready.json()["checks"]["database"]["ok"] is False
        assert alive.status_code == 200

        relay.up()
        after = [requests.get(home, timeout=10).status_code for _ in range(6)]

        assert after == [200] * 6
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
        assert server.poll() is None, "the same gunicorn serves after the outage"
    finally:
        stop(server)
