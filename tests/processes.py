"""Python run in a fresh interpreter of this virtualenv, as a server, a command or a
vendor's tool starts it: for what a test process cannot show (settings read at start,
a tool that must never import Django, the processes of a server)."""

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(
    code: str,
    *args: str,
    env: Mapping[str, str],
    cwd: Path = ROOT,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -c code args…` with exactly `env`, from the repository's root unless told;
    its output captured as text. Never raises on a failure: the test reads returncode."""
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
