"""Rupiah as people read them (TENDERS.md §2): in full on detail pages
("Rp 1.000.000.000,00"), abbreviated in lists ("1,7 M", "3,8 Jt", "2,1 T", "500 rb"),
and typed into forms with or without thousand dots ("1.500.000", "Rp 1.500.000")."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# (threshold, suffix), largest first: triliun, miliar, juta, ribu.
_SCALES = (
    (Decimal(10) ** 12, "T"),
    (Decimal(10) ** 9, "M"),
    (Decimal(10) ** 6, "Jt"),
    (Decimal(10) ** 3, "rb"),
)


def _group(digits: str) -> str:
    return f"{int(digits):,}".replace(",", ".")


def rupiah(value: Decimal | int | None) -> str:
    """`Rp 1.000.000.000,00`."""
    if value is None:
        return ""
    whole = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if whole < 0 else ""
    return f"{sign}Rp {_group(str(abs(whole)))},00"


def rupiah_short(value: Decimal | int | None) -> str:
    """`1,7 M`: one decimal, dropped when it is zero (`500 rb`, `2 M`)."""
    if value is None:
        return ""
    amount = Decimal(value)
    for threshold, suffix in _SCALES:
        if abs(amount) >= threshold:
            scaled = (amount / threshold).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            text = f"{scaled:f}".removesuffix(".0").replace(".", ",")
            return f"{text} {suffix}"
    return _group(str(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


_TYPED = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2})?$", re.IGNORECASE)


def parse_rupiah(text: str) -> Decimal | None:
    """A whole-rupiah amount typed as `1500000`, `1.500.000`, `Rp 1.500.000,00`; None when
    it is not one (letters, a fraction of a rupiah, a misplaced dot)."""
    match = _TYPED.match(text.strip().replace(" ", ""))
    if match is None:
        return None
    try:
        return Decimal(match.group(1).replace(".", ""))
    except InvalidOperation:
        return None
