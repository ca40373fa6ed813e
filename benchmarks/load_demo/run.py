"""How long `load_demo` takes on a fresh SQLite database, three times in one process
(the first pays the opening-key derivation, which lru_cache keeps for the others, as in
the test suite that loads the demo many times).

    python benchmarks/load_demo/run.py            # this tree
    cd OTHER_TREE && python /path/to/benchmarks/load_demo/run.py   # to compare

It migrates a template database once in a temporary folder, copies it before each load,
and prints the seconds of each load. Key files and documents go to that folder too.
"""

import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="inaproc-bench-demo-"))
    template, work = folder / "template.sqlite3", folder / "work.sqlite3"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{work}",
        DEMO_KEY_DIR=str(folder / "keys"),
        DOCUMENT_ROOT=str(folder / "documents"),
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()
    shutil.copy(work, template)
    times = []
    try:
        for _round in range(ROUNDS):
            connection.close()
            shutil.copy(template, work)
            started = time.perf_counter()
            call_command("load_demo", force=True, stdout=io.StringIO())
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("load_demo seconds:", " ".join(f"{t:.1f}" for t in times))


if __name__ == "__main__":
    main()
