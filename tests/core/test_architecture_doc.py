"""docs/architecture.md's middleware table is the operator's map of the request path: it
must list every middleware of MIDDLEWARE, in order (it once lacked the request id and the
Prometheus rows)."""

import re
from pathlib import Path

from django.conf import settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
ROW = re.compile(r"^\| (\d+) \| (.+?) \| (.+?) \|$")


def table_rows() -> list[tuple[int, str, str]]:
    text = DOC.read_text()
    table = text[text.index("Middleware, in order (`config/settings/base.py`):") :]
    lines = table.splitlines()
    start = lines.index("|---|---|---|") + 1
    rows = []
    for line in lines[start:]:
        match = ROW.match(line)
        if not match:
            break
        rows.append((int(match[1]), match[2], match[3]))
    return rows


def test_the_middleware_table_lists_every_middleware_in_order():
    rows = table_rows()

    assert [number for number, _, _ in rows] == list(range(1, len(settings.MIDDLEWARE) + 1))
    for (_, named, does), dotted in zip(rows, settings.MIDDLEWARE, strict=True):
        class_name = dotted.rsplit(".", 1)[1]
        assert f"{class_name}`" in named, f"row {named!r} is not {dotted}"
        assert does.strip(), f"row {named!r} says nothing of what it does"
