"""gunicorn config for `run.py --profile-dir DIR` or `run.py --request-cpu-dir DIR`.

`--profile-dir`: each worker runs under cProfile (CPU time: time.process_time) from its
start and writes `$BID_BURST_PROFILE_DIR/<pid>.prof` when it exits (read them with
pstats). Only for finding where the server spends its time; the numbers of a profiled
run are not recorded (cProfile slows Python code down).

`--request-cpu-dir`: no profiler; each worker sums the CPU time (time.process_time) and
the requests per kind of request (method and the URL's last named part: `unggah` for a
creation, `<upload>` for a PATCH, `kirim`, …), and the SQL statements each sent through
Django's cursors (an `execute_wrapper` on the worker's connection: queries, savepoints and
hand-written SQL; not the BEGIN and COMMIT the driver sends itself, nor the connection's
health check), and writes `$BID_BURST_REQUEST_CPU_DIR/<pid>.json` when it exits. Cheap
enough for a real run."""

import cProfile
import json
import os
import re
import time
from collections import defaultdict

_profiler = cProfile.Profile(time.process_time)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# kind -> [requests, CPU seconds, statements]
_cpu: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
_started: list[float] = [0.0]
_statements: list[int] = [0]


def _count_statement(execute, sql, params, many, context):
    _statements[0] += 1
    return execute(sql, params, many, context)


def _kind(method: str, path: str) -> str:
    parts = [part for part in path.split("/") if part]
    last = parts[-1] if parts else ""
    if _UUID.fullmatch(last):
        last = "<upload>"
    elif last.isdigit():
        last = "<n>"
    return f"{method} {last}"


def post_worker_init(worker) -> None:
    if os.environ.get("BID_BURST_PROFILE_DIR"):
        _profiler.enable()
    elif os.environ.get("BID_BURST_REQUEST_CPU_DIR"):
        from django.db import connection

        # A sync worker serves its requests in one thread: one connection object.
        connection.execute_wrappers.append(_count_statement)


def pre_request(worker, req) -> None:
    _statements[0] = 0
    _started[0] = time.process_time()


def post_request(worker, req, environ, resp) -> None:
    entry = _cpu[_kind(req.method, req.path)]
    entry[0] += 1
    entry[1] += time.process_time() - _started[0]
    entry[2] += _statements[0]


def worker_exit(server, worker) -> None:
    directory = os.environ.get("BID_BURST_PROFILE_DIR")
    if directory:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(directory, f"{os.getpid()}.prof"))
    directory = os.environ.get("BID_BURST_REQUEST_CPU_DIR")
    if directory:
        with open(os.path.join(directory, f"{os.getpid()}.json"), "w") as out:
            json.dump(dict(_cpu), out)
