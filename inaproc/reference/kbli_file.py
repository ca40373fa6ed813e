"""Reading and checking a KBLI 2020 file (`code,level,title`) before anything is written.

The whole file is checked first, so that `kbli_load` either loads all of it or nothing.
The format is described in the data's README: one row per code, in hierarchy order
(`A, 01, 011, 0111, 01111, …`).
"""

import csv
import re
from _csv import Reader
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inaproc.reference.models import Kbli, KbliLevel

HEADER = ["code", "level", "title"]
# Listing every bad line of a badly broken file helps nobody; the first ones show the problem.
MAX_REPORTED_ERRORS = 20

_CODE_PATTERNS = {
    KbliLevel.KATEGORI: re.compile(r"[A-Z]", re.ASCII),
    KbliLevel.GOLONGAN_POKOK: re.compile(r"[0-9]{2}", re.ASCII),
    KbliLevel.GOLONGAN: re.compile(r"[0-9]{3}", re.ASCII),
    KbliLevel.SUBGOLONGAN: re.compile(r"[0-9]{4}", re.ASCII),
    KbliLevel.KELOMPOK: re.compile(r"[0-9]{5}", re.ASCII),
}
_TITLE_MAX_LENGTH: int = Kbli._meta.get_field("title").max_length or 0


@dataclass(frozen=True)
class KbliRow:
    line: int
    code: str
    level: str
    title: str
    parent: str | None


def kbli_read(path: Path) -> list[KbliRow]:
    """The rows of the file at `path`, or ValidationError listing what is wrong (by line)."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return _read_rows(csv.reader(file))
    except UnicodeDecodeError as error:
        raise ValidationError(_("%(path)s is not UTF-8 text.") % {"path": path}) from error
    except csv.Error as error:
        raise ValidationError(
            _("%(path)s is not a readable CSV file: %(reason)s") % {"path": path, "reason": error}
        ) from error
    except OSError as error:
        raise ValidationError(
            _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
        ) from error


def _read_rows(reader: Reader) -> list[KbliRow]:
    header = next(reader, None)
    if header is None or [name.strip().lstrip("\ufeff") for name in header] != HEADER:
        raise ValidationError(_("Line 1: the header must be code,level,title."))
    rows: list[KbliRow] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    kategori: str | None = None
    for record in reader:
        if not record:  # a blank line
            continue
        line = reader.line_num
        row = _parse_row(record, line=line, kategori=kategori, first_line=first_line)
        if isinstance(row, str):
            errors.append(row)
            continue
        first_line[row.code] = line
        if row.level == KbliLevel.KATEGORI:
            kategori = row.code
        rows.append(row)
    errors.extend(_missing_parent_errors(rows, set(first_line)))
    if not rows and not errors:
        errors.append(_("The file has no KBLI rows."))
    if errors:
        raise ValidationError(_limit(errors))
    return rows


def _parse_row(
    record: list[str], *, line: int, kategori: str | None, first_line: dict[str, int]
) -> KbliRow | str:
    """One row, or the message saying why line `line` is refused."""
    if len(record) != len(HEADER):
        return _("Line %(line)s: expected 3 columns (code,level,title), found %(count)s.") % {
            "line": line,
            "count": len(record),
        }
    code, level, title = (value.strip() for value in record)
    if level not in KbliLevel.values:
        return _("Line %(line)s: unknown level “%(level)s”.") % {"line": line, "level": level}
    if not _CODE_PATTERNS[KbliLevel(level)].fullmatch(code):
        return _("Line %(line)s: code “%(code)s” does not fit level %(level)s.") % {
            "line": line,
            "code": code,
            "level": level,
        }
    if code in first_line:
        return _("Line %(line)s: code %(code)s already appears on line %(first)s.") % {
            "line": line,
            "code": code,
            "first": first_line[code],
        }
    if not title or len(title) > _TITLE_MAX_LENGTH:
        return _("Line %(line)s: the title must have 1 to %(max)s characters.") % {
            "line": line,
            "max": _TITLE_MAX_LENGTH,
        }
    parent = _parent_code(code, level=level, kategori=kategori)
    if level == KbliLevel.GOLONGAN_POKOK and parent is None:
        return _("Line %(line)s: code %(code)s comes before any kategori.") % {
            "line": line,
            "code": code,
        }
    return KbliRow(line=line, code=code, level=level, title=title, parent=parent)


def _parent_code(code: str, *, level: str, kategori: str | None) -> str | None:
    # A 2-digit code's kategori is not written in the code: it is the kategori row above it.
    if level == KbliLevel.KATEGORI:
        return None
    if level == KbliLevel.GOLONGAN_POKOK:
        return kategori
    return code[:-1]


def _missing_parent_errors(rows: list[KbliRow], codes: set[str]) -> list[str]:
    return [
        _("Line %(line)s: code %(code)s has no parent %(parent)s in the file.")
        % {"line": row.line, "code": row.code, "parent": row.parent}
        for row in rows
        if row.parent is not None and row.parent not in codes
    ]


def _limit(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    more = len(errors) - MAX_REPORTED_ERRORS
    return [*errors[:MAX_REPORTED_ERRORS], _("… and %(count)s more.") % {"count": more}]
