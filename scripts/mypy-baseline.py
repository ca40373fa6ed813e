#!/usr/bin/env python3
"""Run mypy (configured in pyproject.toml) against a baseline that may only shrink.

mypy's errors are counted per file and error code ("inaproc/x.py: arg-type 3"), without
line numbers, so editing a file elsewhere does not disturb its entry. The counts are
compared with mypy-baseline.txt:

- a file and code with more errors than its entry (or with no entry) fails the check;
- fewer errors pass, with a note asking to shrink the baseline (`--update`);
- `--update` rewrites the baseline, but only when nothing grew, unless `--allow-growth`
  is given too (for a deliberate reset, e.g. after files moved between apps).

Usage: scripts/mypy-baseline.py [--update [--allow-growth]] [--baseline FILE]
Run it with the project's interpreter (`make typecheck`); exit 0 when within the baseline.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = ROOT / "mypy-baseline.txt"
HEADER = """\
# mypy errors per file and error code that are tolerated for now; the counts may only go
# down. Checked by scripts/mypy-baseline.py (`make typecheck`); after fixing errors run
# `.venv/bin/python scripts/mypy-baseline.py --update` to shrink this file.
"""
# "path:line: error: message  [code]", "path:line:col: error: …" or "path: error: …"
ERROR_LINE = re.compile(
    r"^(?P<path>[^:\s][^:]*?):(?:\d+:)?(?:\d+:)?\s*error:\s*(?P<msg>.*?)(?:\s+\[(?P<code>[a-z0-9-]+)\])?$"
)
ENTRY_LINE = re.compile(r"^(?P<path>\S.*?): (?P<code>[a-z0-9-]+) (?P<count>\d+)$")

Counts = Counter[tuple[str, str]]


def run_mypy() -> tuple[Counts, str]:
    from mypy import api  # the project's mypy: run this with .venv/bin/python

    os.chdir(ROOT)  # pyproject.toml's [tool.mypy] names files relative to the root
    options = ["--show-error-codes", "--no-pretty", "--no-error-summary"]
    options += ["--hide-error-context", "--no-color-output"]
    stdout, stderr, status = api.run(options)
    if status not in (0, 1):  # 2: mypy itself failed (bad configuration, crash)
        sys.stderr.write(stdout + stderr)
        sys.exit(f"mypy failed to run (exit status {status})")
    return parse(stdout), stdout


def parse(output: str) -> Counts:
    counts: Counts = Counter()
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            counts[(relative(match["path"]), match["code"] or "no-code")] += 1
    return counts


def relative(path: str) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def read_baseline(path: Path) -> Counts:
    counts: Counts = Counter()
    if not path.exists():
        return counts
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = ENTRY_LINE.match(line)
        if not match:
            sys.exit(f"{path.name}:{number}: cannot read {line!r} (expected 'path: code count')")
        counts[(match["path"], match["code"])] = int(match["count"])
    return counts


def write_baseline(path: Path, counts: Counts) -> None:
    lines = [f"{file}: {code} {n}" for (file, code), n in sorted(counts.items()) if n > 0]
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines))


def compare(current: Counts, baseline: Counts) -> tuple[list[str], list[str], set]:
    grown, shrunk, grown_keys = [], [], set()
    for key in sorted(set(current) | set(baseline)):
        now, before = current.get(key, 0), baseline.get(key, 0)
        file, code = key
        if now > before:
            grown.append(f"  {file}: {code} {before} -> {now}")
            grown_keys.add(key)
        elif now < before:
            shrunk.append(f"  {file}: {code} {before} -> {now}")
    return grown, shrunk, grown_keys


def errors_of(output: str, keys: set) -> str:
    """mypy's own lines for the given (file, code) pairs, with line numbers to go to."""
    picked = []
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match and (relative(match["path"]), match["code"] or "no-code") in keys:
            picked.append(f"{relative(match['path'])}{line[len(match['path']) :]}")
    return "\n".join(picked)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline")
    parser.add_argument(
        "--allow-growth", action="store_true", help="with --update: accept more errors"
    )
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    args = parser.parse_args()
    if args.allow_growth and not args.update:
        parser.error("--allow-growth only goes with --update")

    current, output = run_mypy()
    baseline = read_baseline(args.baseline)
    grown, shrunk, grown_keys = compare(current, baseline)
    total_now, total_before = sum(current.values()), sum(baseline.values())

    if args.update:
        if grown and not args.allow_growth:
            print("Refusing to grow the baseline; these have more errors than it allows:")
            print("\n".join(grown))
            print("Fix them, or pass --allow-growth for a deliberate reset.")
            return 1
        write_baseline(args.baseline, current)
        print(f"{args.baseline.name}: {total_before} -> {total_now} errors.")
        return 0

    if grown:
        print(errors_of(output, grown_keys))
        print(f"\nmypy: more errors than {args.baseline.name} allows:")
        print("\n".join(grown))
        print("Fix the new errors (mypy's lines for these files and codes are above);")
        print("the baseline only shrinks.")
        return 1
    if shrunk:
        print(f"mypy: fewer errors than {args.baseline.name} records, well done:")
        print("\n".join(shrunk))
        print("Shrink the baseline: .venv/bin/python scripts/mypy-baseline.py --update")
    print(f"mypy: {total_now} errors, within the baseline of {total_before}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
