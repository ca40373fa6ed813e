"""The garbage collector frozen in a serving process (inaproc/core/collector.py): at the
start of a worker's 1st, 10th, 100th and 1,000th request, never in between, and only
where `config.wsgi` is loaded (tests and commands never freeze)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inaproc.core.collector import FREEZE_AT_REQUESTS, _Freezer


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezes_at_the_scheduled_requests_only(unfrozen, monkeypatch):
    frozen_at: list[int] = []
    freezer = _Freezer()
    monkeypatch.setattr(gc, "freeze", lambda: frozen_at.append(freezer.requests))
    for _ in range(1_200):
        freezer()
    assert frozen_at == sorted(FREEZE_AT_REQUESTS) == [1, 10, 100, 1000]


def test_a_freeze_moves_the_objects_alive_then_out_of_the_collections(unfrozen):
    freezer = _Freezer()
    kept = [[index] for index in range(1_000)]  # tracked containers, alive
    freezer()
    walked = {id(obj) for obj in gc.get_objects()}
    assert gc.get_freeze_count() >= len(kept)
    assert not walked & {id(obj) for obj in kept}
    later = [[index] for index in range(1_000)]
    freezer()  # the 2nd request: nothing more frozen
    walked = {id(obj) for obj in gc.get_objects()}
    assert {id(obj) for obj in later} <= walked


def test_only_a_process_that_loads_config_wsgi_freezes():
    """The test suite's own process has not frozen; a process that loads `config.wsgi`
    and serves one request has."""
    assert gc.get_freeze_count() == 0
    code = (
        "import gc, config.wsgi\n"
        "from django.test import Client\n"
        "assert gc.get_freeze_count() == 0\n"
        "Client().get('/healthz', secure=True)\n"
        "print(gc.get_freeze_count())\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout.split()[-1]) > 10_000
