"""What a national search asks for, as plain values: read from the GET form, kept as
JSON in a saved search, written back into a query string for links. No Django models
here: the form, the selectors, the services and the saved searches all share it."""

from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    DEADLINE = "deadline"
    HPS_DESC = "hps_desc"
    HPS_ASC = "hps_asc"


SORTS = (Sort.RELEVANCE, Sort.NEWEST, Sort.DEADLINE, Sort.HPS_DESC, Sort.HPS_ASC)

# Field of `SearchFilters` -> its GET parameter (the portal list's vocabulary, plus
# `portal`, `kota` and relevance in `urut`).
PARAMS = {
    "q": "q",
    "portal": "portal",
    "procurement_type": "jenis",
    "selection_method": "metode",
    "budget_year": "tahun",
    "stage": "tahap",
    "province": "lokasi",
    "city": "kota",
    "hps_min": "hps_min",
    "hps_max": "hps_max",
    "kbli": "kbli",
    "sort": "urut",
}


@dataclass(frozen=True)
class SearchFilters:
    """Empty values filter nothing. `sort` empty: relevance with words, else newest."""

    q: str = ""
    portal: str = ""  # a portal's slug
    procurement_type: str = ""
    selection_method: str = ""
    budget_year: int | None = None
    stage: str = ""
    province: str = ""
    city: str = ""
    hps_min: Decimal | None = None
    hps_max: Decimal | None = None
    kbli: str = ""
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != Sort.RELEVANCE or self.q):
            return self.sort
        return Sort.RELEVANCE if self.q else Sort.NEWEST

    def is_empty(self) -> bool:
        """Nothing asked (the sort alone asks nothing)."""
        return replace(self, sort="") == SearchFilters()

    def to_json(self) -> dict[str, Any]:
        """The non-empty values, JSON-safe (amounts as strings of digits)."""
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in asdict(self).items()
            if value not in (None, "")
        }

    @classmethod
    def from_json(cls, data: Any) -> "SearchFilters":
        """Back from `to_json`; unknown keys and values of the wrong kind are dropped."""
        if not isinstance(data, dict):
            return cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = data.get(field.name)
            if field.name == "budget_year":
                value = value if isinstance(value, int) and not isinstance(value, bool) else None
            elif field.name in ("hps_min", "hps_max"):
                value = _decimal(value)
            elif not isinstance(value, str):
                value = ""
            values[field.name] = value
        return cls(**values)

    def to_params(self) -> dict[str, str]:
        """The GET parameters that ask for this search again."""
        return {PARAMS[name]: str(value) for name, value in self.to_json().items()}

    def query_string(self) -> str:
        return urlencode(self.to_params())


def _decimal(value: Any) -> Decimal | None:
    if not isinstance(value, str) or not value.isdigit():
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover (digits always convert)
        return None
