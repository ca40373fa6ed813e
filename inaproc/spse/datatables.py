"""The parameters of SPSE's list requests (DataTables server-side protocol), read the
way a forgiving server reads them: each from the form body or else the query string,
the first value when one is repeated, a default when one is missing or of the wrong
type. Nothing here raises on any input (docs/spse-compat.md)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inaproc.tenders.models.choices import SPSE_CATEGORY_ID

# At most this many rows per request (DataTables' `length=-1`, "all", gets this many).
MAX_LENGTH = 500
# Larger offsets are no page of any portal.
MAX_START = 10**9
# A keyword longer than this is cut (the search reads at most a few words anyway).
MAX_SEARCH = 200
MAX_DRAW = 2**31 - 1

# `order[0][column]` -> the column sorted by (SPSE sorts by code, name, institution, HPS).
ORDER_COLUMNS = {0: "code", 1: "name", 2: "institution", 4: "hps"}

CATEGORY_BY_ID = {number: str(category) for category, number in SPSE_CATEGORY_ID.items()}

# Parameter names: SPSE's first, then the names older readers send.
CATEGORY_NAMES = ("kategoriId", "kategori")
VENDOR_NAMES = ("rekanan", "rkn_nama")

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class ListQuery:
    draw: int = 0
    start: int = 0
    length: int = 10
    search: str = ""
    order_column: str = ""  # "" = the default order (newest first)
    descending: bool = False
    year: int | None = None
    # "" = every category; None = a category that does not exist (nothing matches).
    category: str | None = ""
    institution: str = ""
    vendor: str = ""


def _first(params: Params, *names: str) -> str:
    for name in names:
        values = params.get(name)
        if values:
            return str(values[0]).replace("\x00", "").strip()
    return ""


def _integer(text: str, *, low: int, high: int) -> int | None:
    """An integer within [low, high]; None for anything else (letters, `1e3`, 5,000
    digits, out of range)."""
    if not text or len(text) > 20:
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if low <= number <= high else None


def _category(text: str) -> str | None:
    if not text:
        return ""
    number = _integer(text, low=-(10**6), high=10**6)
    if number is None:
        return ""  # not a number: as if absent
    return CATEGORY_BY_ID.get(number)


def _length(text: str) -> int:
    number = _integer(text, low=-1, high=10**9)
    if number is None:
        return 10  # DataTables' default page
    if number == -1:
        return MAX_LENGTH
    return min(number, MAX_LENGTH)


def list_query(params: Params) -> ListQuery:
    """The request's parameters as a `ListQuery`; `params` maps a name to its values."""
    column = _integer(_first(params, "order[0][column]"), low=0, high=100)
    return ListQuery(
        draw=_integer(_first(params, "draw"), low=0, high=MAX_DRAW) or 0,
        start=_integer(_first(params, "start"), low=0, high=MAX_START) or 0,
        length=_length(_first(params, "length")),
        search=_first(params, "search[value]")[:MAX_SEARCH],
        order_column=ORDER_COLUMNS.get(column, "") if column is not None else "",
        descending=_first(params, "order[0][dir]").lower() == "desc",
        year=_integer(_first(params, "tahun"), low=1, high=9999),
        category=_category(_first(params, *CATEGORY_NAMES)),
        institution=_first(params, "instansiId")[:MAX_SEARCH],
        vendor=_first(params, *VENDOR_NAMES)[:MAX_SEARCH],
    )


def merged_params(body: Params, query: Params) -> dict[str, list[str]]:
    """The form body's values, and the query string's for the names the body lacks."""
    merged = {name: list(values) for name, values in query.items()}
    merged.update({name: list(values) for name, values in body.items() if values})
    return merged
