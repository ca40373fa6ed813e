from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from inaproc.reference.kbli_file import KbliRow, kbli_read
from inaproc.reference.models import Kbli


@dataclass(frozen=True)
class KbliLoadResult:
    created: int
    updated: int
    unchanged: int


def kbli_load(*, path: Path | str) -> KbliLoadResult:
    """Create or update the KBLI codes from the CSV file at `path`.

    The whole file is checked first and refused (ValidationError naming the lines) if any row
    is bad, so nothing is half-loaded. Running it again with the same file changes nothing.
    Codes missing from the file are kept: vendors may still refer to them.
    """
    rows = kbli_read(Path(path))
    with transaction.atomic():
        existing = Kbli.objects.in_bulk([row.code for row in rows])
        to_create: list[Kbli] = []
        to_update: list[Kbli] = []
        # Parents first: a kategori letter, then codes of 2, 3, 4 and 5 digits.
        for row in sorted(rows, key=lambda row: (len(row.code), row.code)):
            current = existing.get(row.code)
            if current is None:
                to_create.append(_kbli_from_row(row))
            elif _kbli_update_from_row(current, row):
                to_update.append(current)
        Kbli.objects.bulk_create(to_create, batch_size=500)
        Kbli.objects.bulk_update(to_update, ["level", "title", "parent"], batch_size=500)
    return KbliLoadResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )


def _kbli_from_row(row: KbliRow) -> Kbli:
    return Kbli(code=row.code, level=row.level, title=row.title, parent_id=row.parent)


def _kbli_update_from_row(kbli: Kbli, row: KbliRow) -> bool:
    """Bring `kbli` in line with `row`; whether anything changed."""
    if (kbli.level, kbli.title, kbli.parent_id) == (row.level, row.title, row.parent):
        return False
    kbli.level, kbli.title, kbli.parent_id = row.level, row.title, row.parent
    return True
