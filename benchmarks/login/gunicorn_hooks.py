"""gunicorn config for benchmarks/login/run.py: counts the CPU time that each worker
spends in Django's check_password (Argon2), so that the run can tell the hash from the
rest of the login path without relying on a quiet machine.

Loaded with ``gunicorn -c benchmarks/login/gunicorn_hooks.py`` only when
LOGIN_BENCH_HASH_DIR is set (run.py does, unless --no-instrument). Each worker keeps its
running totals in ``$LOGIN_BENCH_HASH_DIR/<pid>.json``: one small file write per
password check, negligible next to the ~0.2 s CPU of the check itself.
"""

import json
import os
import time


def post_worker_init(worker) -> None:
    directory = os.environ.get("LOGIN_BENCH_HASH_DIR")
    if not directory:
        return
    # AbstractBaseUser.check_password calls the name imported into this module.
    import django.contrib.auth.base_user as base_user

    original = base_user.check_password
    totals = {"calls": 0, "cpu_s": 0.0, "wall_s": 0.0}
    path = os.path.join(directory, f"{os.getpid()}.json")

    def check_password(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            # A sync worker runs one request at a time: the process CPU during the call
            # is the hash's (Argon2's threads included).
            totals["cpu_s"] += time.process_time() - cpu
            totals["wall_s"] += time.perf_counter() - wall
            totals["calls"] += 1
            with open(f"{path}.tmp", "w") as f:
                json.dump(totals, f)
            os.replace(f"{path}.tmp", path)

    base_user.check_password = check_password
