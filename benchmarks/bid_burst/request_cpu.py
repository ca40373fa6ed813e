"""Sum the per-worker files of `run.py --request-cpu-dir DIR`: CPU milliseconds and SQL
statements per request of each kind. Usage: python benchmarks/bid_burst/request_cpu.py DIR"""

import json
import sys
from collections import defaultdict
from pathlib import Path


def main(directory: Path) -> None:
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for path in directory.glob("*.json"):
        for kind, (count, seconds, *statements) in json.loads(path.read_text()).items():
            totals[kind][0] += count
            totals[kind][1] += seconds
            totals[kind][2] += statements[0] if statements else 0
    print(f"{'request':<28} {'count':>7} {'CPU s':>8} {'ms each':>8} {'SQL each':>9}")
    for kind, (count, seconds, statements) in sorted(totals.items(), key=lambda item: -item[1][1]):
        print(
            f"{kind:<28} {count:>7} {seconds:>8.2f} {seconds / count * 1000:>8.1f}"
            f" {statements / count:>9.1f}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
