"""The production settings refuse to start without what a server must be told, mail
request errors to ADMINS, log an unknown Host in one line, and the health endpoints
answer other methods with 405, not a CSRF 403."""

import logging
import os
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.utils.module_loading import import_string

from config.env import admins_parse
from inaproc.core.requestid import RequestIdFilter
from tests.processes import run_python

COMPLETE = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "production-settings-test-key-0123456789-abcdefghijklmnop",
    "LOG_KEY_ENCRYPTION_KEY": "production-settings-test-log-key-0123456789",
    "ALLOWED_HOSTS": "lpse.example.go.id",
    "DATABASE_URL": "postgres://inaproc@127.0.0.1:5432/inaproc",
    "EMAIL_URL": "memorymail://",
    "SITE_URL": "https://lpse.example.go.id",
}


def run_with(environment: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with only `environment` (and PATH) set."""
    return run_python(code, env={"PATH": os.environ.get("PATH", ""), **environment})


LOAD = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"


@pytest.mark.parametrize("missing", ["DATABASE_URL", "EMAIL_URL", "SITE_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    """Without DATABASE_URL a server silently used SQLite in the release folder, without
    EMAIL_URL it printed emails (with their private links) to the log, without SITE_URL it
    mailed links to http://127.0.0.1:8000. Now it stops, naming what is missing."""
    environment = {name: value for name, value in COMPLETE.items() if name != missing}

    result = run_with(environment, LOAD)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Production settings need {missing}" in result.stderr


def test_production_names_every_missing_variable_at_once():
    """One start tells the operator all that is missing, not one variable per attempt."""
    environment = {
        name: value
        for name, value in COMPLETE.items()
        if name not in {"DATABASE_URL", "EMAIL_URL", "SITE_URL"}
    }

    result = run_with(environment, LOAD)

    assert result.returncode != 0
    for name in ("DATABASE_URL", "EMAIL_URL", "SITE_URL"):
        assert name in result.stderr


def test_production_starts_with_the_required_variables():
    """The complete environment loads: PostgreSQL, not SQLite."""
    result = run_with(COMPLETE, LOAD)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_request_errors_are_emailed_to_the_admins_of_the_environment():
    """ADMINS="Name <address>,…" from the environment; an unhandled request error (logged
    by django.request at ERROR) reaches them by email, a 404 warning does not."""
    code = """
import django, logging
django.setup()
from django.conf import settings
from django.core import mail
print(settings.ADMINS)
logging.getLogger("django.request").warning("Not Found: /nothing")
logging.getLogger("django.request").error("Internal Server Error: /broken")
print(len(mail.outbox), mail.outbox[0].to if mail.outbox else None)
"""
    environment = {**COMPLETE, "ADMINS": "Tim Operasi <ops@example.go.id>, dba@example.go.id"}

    result = run_with(environment, code)

    assert result.returncode == 0, result.stderr
    admins_line, mail_line = result.stdout.strip().splitlines()
    assert admins_line == (
        "[('Tim Operasi', 'ops@example.go.id'), ('dba@example.go.id', 'dba@example.go.id')]"
    )
    assert mail_line == "1 ['ops@example.go.id', 'dba@example.go.id']"


def test_admins_parse_reads_names_and_bare_addresses():
    """The documented forms of ADMINS; an empty value is nobody."""
    assert admins_parse("") == []
    assert admins_parse(" A B <a@b.id> ,c@d.id,") == [("A B", "a@b.id"), ("c@d.id", "c@d.id")]


@pytest.mark.parametrize("value", ["Ops <ops@example.go.id", "not an address", "<@x>"])
def test_admins_parse_refuses_a_malformed_entry(value):
    """A typo in ADMINS stops the start instead of silently mailing nobody."""
    with pytest.raises(ImproperlyConfigured):
        admins_parse(value)


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="scrape-token-for-tests-0123456789")
@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_endpoints_answer_other_methods_with_405_not_a_csrf_403(path, method):
    """A load balancer or a person trying POST gets "method not allowed" (as the docs
    say), not the CSRF failure page."""
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(path)

    assert response.status_code == 405


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["lpse.example.go.id"])
def test_an_unknown_host_is_logged_in_one_line_without_a_traceback(caplog):
    """Scanners send any Host header: each is one log line (which host), not a
    traceback of Django's internals."""
    with caplog.at_level(logging.INFO):
        response = Client().get("/", HTTP_HOST="scanner.example.net")

    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert "scanner.example.net" in records[0].getMessage()
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("name", ["plain", "json"])
def test_log_times_are_iso_8601_with_the_offset_as_nginx_writes_it(settings, name):
    """One time style in every log: the application's lines carry `+07:00` like nginx's
    `$time_iso8601`, not `+0700`."""
    options = dict(settings.LOGGING["formatters"][name])
    factory = import_string(options.pop("()"))
    formatter = factory(options.pop("format"), datefmt=options.pop("datefmt"), style="%", **options)
    record = logging.LogRecord("inaproc.x", logging.INFO, __file__, 1, "hello", (), None)
    record.created = 1796613302.0  # 2026-12-07T10:15:02+07:00
    RequestIdFilter().filter(record)

    line = formatter.format(record)

    assert "2026-12-07T10:15:02+07:00" in line


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/lpse-a/bantuan/tiket/SECRETtoken1234567890abcdef/", "/lpse-a/bantuan/tiket/-/"),
        (
            "/lpse-a/akun/atur-ulang-kata-sandi/MQ/SECRET-token1234567890/",
            "/lpse-a/akun/atur-ulang-kata-sandi/-/-/",
        ),
        (
            "/lpse-a/pendaftaran/konfirmasi/SECRETtoken1234567890abcdef/",
            "/lpse-a/pendaftaran/konfirmasi/-/",
        ),
        # A link cut short by an email program (no closing slash) is masked too.
        ("/lpse-a/bantuan/tiket/SECRETtoken1234567890abc", "/lpse-a/bantuan/tiket/-/"),
        ("/lpse-a/bantuan/tiket/12/", "/lpse-a/bantuan/tiket/12/"),
        ("/lpse-a/bantuan/tiket/lihat/", "/lpse-a/bantuan/tiket/lihat/"),
    ],
)
def test_private_link_tokens_never_reach_the_log(settings, path, logged):
    """Django logs the path of every 4xx/5xx ("Not Found: …") and a JSON line carries the
    request: the token of an emailed link is masked in both, the query string dropped;
    other paths stay as they were."""
    options = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(options.pop("()"))(
        options.pop("format"), datefmt=options.pop("datefmt"), style="%", **options
    )
    request = RequestFactory().get(path, {"next": "/private"})
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (request.path,), None
    )
    record.request = request
    record.status_code = 404
    for name in settings.LOGGING["handlers"]["console"]["filters"]:
        import_string(settings.LOGGING["filters"][name]["()"])().filter(record)

    line = formatter.format(record)

    assert f"Not Found: {logged}" in line
    assert f"GET '{logged}'" in line
    assert "SECRET" not in line
    assert "next=" not in line
