"""Ranking by the evaluation method (TENDERS.md §2), on plain rows so that the rules are
tested on tables of cases (tests/evaluation/test_ranking.py).

Only bids that passed every step of the evaluation are ranked. Then:

- Harga Terendah (sistem gugur) and Biaya Terendah: the lowest corrected price first;
- Kualitas: the highest technical score first;
- Pagu Anggaran: among the prices within the pagu, the highest technical score first;
- Sistem Nilai, Kualitas dan Biaya, Penilaian Biaya Selama Umur Ekonomis: the highest
  weighted total first, where the price score is 100 × the lowest ranked price ÷ the
  bid's price (two decimals) and the total is technical × w_t% + price score × w_p%.

Ties (the documented rule): the lower corrected price, then the earlier final bid
submission (the time the server received the bid version that counts), then the
earlier joining of the tender."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from inaproc.tenders.models.choices import EvaluationMethod

PRICE_METHODS = frozenset({EvaluationMethod.HARGA_TERENDAH, EvaluationMethod.BIAYA_TERENDAH})
# Methods whose total weighs a technical score against a price score: weights needed.
WEIGHTED_METHODS = frozenset(
    {
        EvaluationMethod.SISTEM_NILAI,
        EvaluationMethod.KUALITAS_DAN_BIAYA,
        EvaluationMethod.UMUR_EKONOMIS,
    }
)
# Methods in which the technical step carries a score.
SCORED_METHODS = WEIGHTED_METHODS | {EvaluationMethod.KUALITAS, EvaluationMethod.PAGU_ANGGARAN}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    """What ranking needs of one bid. `order` breaks the last tie (joining order)."""

    key: Any
    passed: bool
    price: Decimal | None
    submitted_at: datetime
    order: int
    technical: Decimal | None = None
    price_score: Decimal | None = None
    total: Decimal | None = None


def rank(
    rows: list[Row],
    *,
    method: str,
    technical_weight: int | None = None,
    price_weight: int | None = None,
    pagu: Decimal | None = None,
) -> list[Row]:
    """The ranked rows, best first (with their price score and total where the method
    computes them); rows not passing, without a price, or over the pagu (Pagu
    Anggaran) are left out."""
    eligible = [row for row in rows if row.passed and row.price is not None]
    if method == EvaluationMethod.PAGU_ANGGARAN and pagu is not None:
        eligible = [row for row in eligible if row.price is not None and row.price <= pagu]
    if method in WEIGHTED_METHODS:
        eligible = _weighted(eligible, technical_weight or 0, price_weight or 0)

    def tie(row: Row) -> tuple:
        return (row.price, row.submitted_at, row.order)

    if method in WEIGHTED_METHODS:
        return sorted(eligible, key=lambda row: (-(row.total or 0), *tie(row)))
    if method in (EvaluationMethod.KUALITAS, EvaluationMethod.PAGU_ANGGARAN):
        return sorted(eligible, key=lambda row: (-(row.technical or 0), *tie(row)))
    return sorted(eligible, key=tie)


def _weighted(rows: list[Row], technical_weight: int, price_weight: int) -> list[Row]:
    if not rows:
        return rows
    lowest = min(row.price for row in rows if row.price is not None)
    scored = []
    for row in rows:
        price = row.price or Decimal(0)
        price_score = (HUNDRED * lowest / price).quantize(CENT, ROUND_HALF_UP) if price else HUNDRED
        total = (
            (row.technical or Decimal(0)) * technical_weight / HUNDRED
            + price_score * price_weight / HUNDRED
        ).quantize(CENT, ROUND_HALF_UP)
        scored.append(replace(row, price_score=price_score, total=total))
    return scored
