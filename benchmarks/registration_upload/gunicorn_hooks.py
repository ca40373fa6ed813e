"""gunicorn config for benchmarks/registration_upload/run.py: each worker writes down when
it is inside the steps of a registration, so that the run can tell which step the worker's
memory peaked in.

Loaded with ``gunicorn -c benchmarks/registration_upload/gunicorn_hooks.py`` (run.py passes
it in GUNICORN_CMD_ARGS) only when UPLOAD_BENCH_EVENT_DIR is set. Each worker appends one
line per step to ``$UPLOAD_BENCH_EVENT_DIR/<pid>.events``::

    <step> <start> <end>

with CLOCK_MONOTONIC seconds (the same clock as the client's ``time.monotonic()``). Steps:

- ``request``: the whole request, from gunicorn's pre_request to post_request hook;
- ``parse``: Django's MultiPartParser.parse (the body read into temporary files);
- ``check``: one ``document_check`` (hash, then pypdf or Pillow);
- ``store``: one ``document_store`` (the copy into DOCUMENT_ROOT);
- ``argon2``: one Argon2 ``encode`` (the new account's password). Argon2id with Django's
  parameters allocates 100 MiB for the duration of the hash and frees it after: it is the
  same for every registration, whatever the uploads, and is reported apart.

A sync worker runs one request at a time, so the steps never overlap. One short file
append per step, next to milliseconds to seconds of work in the step itself.
"""

import functools
import os
import sys
import time


def post_worker_init(worker) -> None:
    directory = os.environ.get("UPLOAD_BENCH_EVENT_DIR")
    if not directory:
        return
    path = os.path.join(directory, f"{os.getpid()}.events")

    def timed(step: str, original):
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            start = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                _record(step, start)

        return wrapper

    _state["path"] = path

    # Import every view (and so every form and service) now, so that the names imported
    # with `from ... import document_check` can be found and wrapped below.
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.http.multipartparser import MultiPartParser
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and its views
    from inaproc.vendors import documents

    MultiPartParser.parse = timed("parse", MultiPartParser.parse)
    Argon2PasswordHasher.encode = timed("argon2", Argon2PasswordHasher.encode)
    for name, step in (("document_check", "check"), ("document_store", "store")):
        original = getattr(documents, name)
        wrapper = timed(step, original)
        for module_name, module in list(sys.modules.items()):
            if module_name.startswith("inaproc") and getattr(module, name, None) is original:
                setattr(module, name, wrapper)

    worker.log.info("registration_upload hooks: events in %s", path)


_state: dict = {"path": None, "request_start": None}


def _record(step: str, start: float) -> None:
    with open(_state["path"], "a") as f:
        f.write(f"{step} {start:.6f} {time.monotonic():.6f}\n")


def pre_request(worker, req) -> None:
    _state["request_start"] = time.monotonic()


def post_request(worker, req, environ, resp) -> None:
    if _state["path"] and _state["request_start"] is not None:
        _record("request", _state["request_start"])
    _state["request_start"] = None
