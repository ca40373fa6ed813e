"""The application's processes as a server runs them, for the drills of tests/ops:
gunicorn and management commands with the production settings (two_servers_settings),
on the test database, each in a process of its own."""

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.processes import ROOT, run_python


def database_url() -> str:
    """The test database this test process uses (the servers must see it)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production server (docs/operations.md, section 1) on the test
    database, plain HTTP on 127.0.0.1, its folders under `tmp_path`; no Redis unless an
    override names one."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.two_servers_settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_KEY_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "consolemail://",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DOCUMENT_ROOT": str(tmp_path / "documents"),
        "UPLOAD_TEMP_ROOT": str(tmp_path / "uploads"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.update(overrides)
    # The installation creates the document root (section 2); /readyz requires it.
    Path(env["DOCUMENT_ROOT"]).mkdir(parents=True, exist_ok=True)
    return env


def start_gunicorn(port: int, env: dict[str, str], log: Path, *, workers: int = 2):
    """gunicorn with sync workers, as section 5 runs it."""
    with open(log, "wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own gunicorn
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", "--no-control-socket"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


_COMMANDS = """
import json, sys
import django
django.setup()
from django.core.management import call_command
for arguments in json.loads(sys.argv[1]):
    print("$ manage.py", *arguments, flush=True)
    call_command(*arguments)
"""


def manage_in_one_process(env: dict[str, str], *commands: list[str]):
    """Several management commands one after another in one process, which stops at the
    first that fails: one start of Django (and no second round of system checks) instead
    of one per command, which on a busy machine costs seconds each."""
    return run_python(_COMMANDS, json.dumps(commands), env=env, timeout=120)


def wait_for(
    condition: Callable[[], object], what: str, *, timeout: float = 60, log: Path | None = None
):
    """Poll `condition` until it returns something true (and return that), or fail."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            pytest.fail(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.05)


def wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    def answers() -> bool:
        if server.poll() is not None:
            pytest.fail(f"gunicorn at {url} stopped:\n{log.read_text()[-3000:]}")
        try:
            return requests.get(url + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(answers, f"gunicorn at {url}", timeout=40, log=log)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
