"""gunicorn config for `run.py --gunicorn-config benchmarks/bid_burst/profile_hooks.py`:
each worker runs under cProfile (CPU time: time.process_time) from its start and writes
`$BID_BURST_PROFILE_DIR/<pid>.prof` when it exits (read them with pstats). Only for
finding where the server spends its time; the numbers of a profiled run are not
recorded (cProfile slows Python code down)."""

import cProfile
import os
import time

_profiler = cProfile.Profile(time.process_time)


def post_worker_init(worker) -> None:
    if os.environ.get("BID_BURST_PROFILE_DIR"):
        _profiler.enable()


def worker_exit(server, worker) -> None:
    directory = os.environ.get("BID_BURST_PROFILE_DIR")
    if directory:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(directory, f"{os.getpid()}.prof"))
