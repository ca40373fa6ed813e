"""seed.py run in the benchmark's environment, for run.py and cpu.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def seed(env: dict[str, str]) -> tuple[str, dict[str, tuple[str, list[str]]]]:
    """The portal's session cookie name, the pages and their people's session keys
    (seed.py, in the benchmark's environment)."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "seed.py")],
        env=env,
        cwd=HERE.parents[1],
        check=True,
        capture_output=True,
    )
    # The JSON is seed.py's last line: a first run, which fills the database, may print
    # its progress before it (the first run failed on it).
    data = json.loads(out.stdout.decode().strip().splitlines()[-1])
    return data["cookie"], {label: (path, keys) for label, (path, keys) in data["pages"].items()}
