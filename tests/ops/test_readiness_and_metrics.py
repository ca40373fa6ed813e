"""/readyz tells a load balancer whether this server can take traffic (database and
document storage, and the cache if required), /metrics gives Prometheus the counters and
queue gauges to the bearer of METRICS_TOKEN only, and every response and log line carries
a request id."""

import json
import logging

import pytest
from django.core.files.storage import FileSystemStorage, Storage
from django.test import Client
from django.urls import get_resolver, resolve

from inaproc.core.operations import OPERATIONS_PATHS
from inaproc.core.requestid import RequestIdFilter, RequestIdMiddleware
from inaproc.notifications.models import Email
from inaproc.ops import selectors
from inaproc.portals import middleware as portal_middleware
from inaproc.portals.models import RESERVED_SLUGS

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests-0123456789"
# Nothing listens on port 1: a Redis cache there fails like a stopped server.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def readiness(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_ready_when_database_storage_and_cache_answer(client):
    status, body = readiness(client)

    assert status == 200
    assert body["ready"] is True
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "storage": True,
        "cache": True,
    }


def test_not_ready_when_the_document_root_is_missing(client, monkeypatch, tmp_path):
    """A document root that is not there (a lost mount, a wrong DOCUMENT_ROOT) takes the
    server out, although asking the disk for one missing name raises nothing."""
    missing = tmp_path / "documents"
    monkeypatch.setattr(selectors, "document_storage", lambda: FileSystemStorage(location=missing))
    status, body = readiness(client)

    assert status == 503
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True

    missing.mkdir()
    assert readiness(client)[0] == 200


def test_not_ready_when_the_object_store_cannot_be_reached(client, monkeypatch):
    """An object store that refuses or cannot be reached (its HEAD raises) takes the
    server out."""

    class Unreachable(Storage):
        def exists(self, name):
            raise ConnectionError("endpoint unreachable")

    monkeypatch.setattr(selectors, "document_storage", Unreachable)
    status, body = readiness(client)

    assert status == 503
    assert body["checks"]["storage"]["ok"] is False


def test_not_ready_when_the_database_fails(client, monkeypatch):
    from django.db import OperationalError

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "_database", down)
    status, body = readiness(client)

    assert status == 503 and body["checks"]["database"]["ok"] is False


def test_a_dead_cache_is_reported_and_fails_readiness_only_when_required(client, settings):
    """Every server shares one Redis: failing readiness on it would take all of them out
    while they can serve uncached, so by default it is reported, not required."""
    settings.CACHES = DEAD_REDIS

    status, body = readiness(client)
    assert status == 200 and body["checks"]["cache"]["ok"] is False

    settings.READYZ_REQUIRE_CACHE = True
    status, body = readiness(client)
    assert status == 503 and body["checks"]["cache"]["ok"] is False


def test_readiness_answers_get_and_head_only(client):
    assert client.head("/readyz").status_code == 200
    assert client.post("/readyz").status_code == 405


def test_metrics_do_not_exist_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    ["", f"Bearer {TOKEN}x", f"bearer {TOKEN}", TOKEN, f"Basic {TOKEN}"],
    ids=["none", "wrong", "lowercase-scheme", "no-scheme", "basic"],
)
def test_metrics_refuse_anyone_but_the_bearer_of_the_token(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"inaproc_" not in response.content


def scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition text (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return 0.0


RESPONSES = "django_http_responses_total_by_status_view_method_total"


def test_metrics_count_requests_by_view_and_status(client, settings):
    settings.METRICS_TOKEN = TOKEN
    labels = {"status": "200", "view": "healthz", "method": "GET"}
    before = sample(scrape(client), RESPONSES, **labels)

    for _ in range(3):
        client.get("/healthz")
    text = scrape(client)

    assert (
        sample(text, "django_http_responses_total_by_status_view_method_total", **labels)
        == before + 3
    )
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text


def test_metrics_count_login_failures_and_locks_per_portal(client, settings, portal_a):
    from inaproc.accounts.services.signin import failure_register
    from inaproc.core.context import ClientInfo

    settings.METRICS_TOKEN = TOKEN
    text = scrape(client)
    failures = sample(text, "inaproc_login_failures_total", portal=portal_a.slug)
    locks = sample(text, "inaproc_account_locks_total", portal=portal_a.slug)

    for _ in range(portal_a.login_failure_limit):
        failure_register(
            portal=portal_a, username="someone", client=ClientInfo("10.0.0.9", "", "", "")
        )
    text = scrape(client)

    assert sample(text, "inaproc_login_failures_total", portal=portal_a.slug) == (
        failures + portal_a.login_failure_limit
    )
    assert sample(text, "inaproc_account_locks_total", portal=portal_a.slug) == locks + 1


def test_metrics_show_the_email_queue_from_the_database(client, settings):
    """The queue gauges are read from the database at the scrape, so every worker (and
    every server) answers the same."""
    settings.METRICS_TOKEN = TOKEN
    Email.objects.create(to="a@example.com", subject="s", body="b")
    Email.objects.create(to="b@example.com", subject="s", body="b", status="failed")

    text = scrape(client)

    assert sample(text, "inaproc_emails_queued") == 1
    assert sample(text, "inaproc_emails_failed") == 1
    assert sample(text, "inaproc_emails_oldest_queued_seconds") >= 0
    assert "inaproc_tasks_ready " in text and "inaproc_tasks_oldest_ready_seconds " in text


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept_when_it_is_a_plain_token(client):
    offered = "7f3a9c1e5b2d4f60a1b2c3d4e5f60718"

    assert client.get("/healthz", headers={"X-Request-ID": offered})["X-Request-ID"] == offered


@pytest.mark.parametrize(
    "offered",
    ["short", "x" * 65, "abc def ghi jkl", "<script>alert(1)</script>", "a\u00e9" * 8],
    ids=["too-short", "too-long", "spaces", "markup", "non-ascii"],
)
def test_a_request_id_that_is_not_a_plain_token_is_replaced(offered):
    """Whatever a client sends never reaches the logs or the response as it is."""
    response = Client().get("/healthz", headers={"X-Request-ID": offered})

    assert response["X-Request-ID"] != offered and len(response["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id(rf):
    records: list[logging.LogRecord] = []
    log_filter = RequestIdFilter()

    def view(request):
        record = logging.LogRecord("inaproc.test", logging.INFO, __file__, 1, "hello", (), None)
        log_filter.filter(record)
        records.append(record)
        from django.http import HttpResponse

        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(rf.get("/x"))
    outside = logging.LogRecord("inaproc.test", logging.INFO, __file__, 1, "later", (), None)
    log_filter.filter(outside)

    assert records[0].request_id == response["X-Request-ID"]
    assert outside.request_id == "-"


def test_json_log_lines_are_objects_with_time_level_logger_and_request_id(settings):
    from pythonjsonlogger.json import JsonFormatter

    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    formatter = JsonFormatter(
        options.pop("format"), datefmt=options.pop("datefmt"), style="%", **options
    )
    record = logging.LogRecord(
        "inaproc.x", logging.WARNING, __file__, 1, "disk %s", ("full",), None
    )
    RequestIdFilter().filter(record)

    line = json.loads(formatter.format(record))

    assert line["message"] == "disk full"
    assert line["level"] == "WARNING" and line["logger"] == "inaproc.x"
    assert line["request_id"] == "-" and "T" in line["time"]


# --- The operational endpoints: one list (inaproc/core/operations.py) -------------------


@pytest.mark.parametrize("path", sorted(OPERATIONS_PATHS))
def test_each_operations_path_is_routed_and_needs_no_portal_lookup(
    client, settings, monkeypatch, path
):
    """They must answer whatever the database does: the portal lookup, which reads the
    database, is never made for them (it fails here as with the database down)."""

    def lookup_fails(**kwargs):
        raise AssertionError("the portal lookup was made")

    monkeypatch.setattr(portal_middleware, "portals_for_request", lookup_fails)
    settings.METRICS_TOKEN = TOKEN

    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert resolve(path).url_name == path.lstrip("/")
    assert response.status_code == 200


def test_every_platform_path_is_a_reserved_slug():
    """A portal whose slug is the first segment of a platform-level URL would be shadowed
    by it (or shadow it): every such segment is reserved."""
    segments = {
        str(pattern.pattern).split("/", 1)[0]
        for pattern in get_resolver().url_patterns
        if "portal_slug" not in str(pattern.pattern)
    } - {""}

    assert segments
    assert segments <= RESERVED_SLUGS, segments - RESERVED_SLUGS
