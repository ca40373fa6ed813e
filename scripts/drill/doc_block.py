"""Print one fenced code block of a Markdown page, as the Debian drill runs it.

    doc_block.py PAGE --contains TEXT   the first block whose body contains TEXT
    doc_block.py PAGE --after TEXT      the first block that starts after a line with TEXT

Exits 1 (naming TEXT) when there is no such block, so a docs change that drops a step
the drill follows stops the drill instead of silently skipping the step.
"""

import sys
from pathlib import Path


def blocks(lines: list[str]) -> list[tuple[int, str]]:
    """(line index of the opening fence, body) of every fenced block; indented fences
    (inside list items) count, their indentation removed."""
    found, body, start, indent = [], [], -1, 0
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if start < 0 and stripped.startswith("```"):
            start, indent, body = index, len(line) - len(stripped), []
        elif start >= 0 and stripped.startswith("```"):
            found.append((start, "".join(b[indent:] if b[:indent].isspace() else b for b in body)))
            start = -1
        elif start >= 0:
            body.append(line)
    return found


def main(argv: list[str]) -> int:
    page, mode, text = argv[1], argv[2], argv[3]
    lines = Path(page).read_text(encoding="utf-8").splitlines(keepends=True)
    all_blocks = blocks(lines)
    if mode == "--contains":
        chosen = [body for _, body in all_blocks if text in body]
    else:
        marks = [i for i, line in enumerate(lines) if text in line]
        chosen = [body for start, body in all_blocks if marks and start > marks[0]]
    if not chosen:
        print(f"doc_block: no block {mode} {text!r} in {page}", file=sys.stderr)
        return 1
    sys.stdout.write(chosen[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
