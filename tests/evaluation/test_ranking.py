"""The ranking rules on tables of cases, per evaluation method, ties included
(inaproc/evaluation/ranking.py documents the rules)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from inaproc.evaluation.ranking import Row, rank
from inaproc.tenders.models.choices import EvaluationMethod as M

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def row(key, price, *, passed=True, minutes=0, technical=None, order=None):
    return Row(
        key=key,
        passed=passed,
        price=Decimal(price) if price is not None else None,
        submitted_at=T0 + timedelta(minutes=minutes),
        order=order if order is not None else ord(key[0]),
        technical=Decimal(technical) if technical is not None else None,
    )


@pytest.mark.parametrize(
    ("method", "rows", "expected"),
    [
        # Harga Terendah: the lowest price among those passing.
        (M.HARGA_TERENDAH, [row("a", 900), row("b", 875), row("c", 880)], ["b", "c", "a"]),
        # A failed bid is not ranked, however cheap.
        (
            M.HARGA_TERENDAH,
            [row("a", 900), row("b", 100, passed=False), row("c", 880)],
            ["c", "a"],
        ),
        # A bid without a price is not ranked.
        (M.HARGA_TERENDAH, [row("a", None), row("b", 5)], ["b"]),
        # Tie on price: the earlier final bid submission first.
        (M.HARGA_TERENDAH, [row("a", 500, minutes=5), row("b", 500, minutes=1)], ["b", "a"]),
        # Tie on price and time: the earlier joining first.
        (M.HARGA_TERENDAH, [row("b", 500, order=2), row("a", 500, order=1)], ["a", "b"]),
        (M.BIAYA_TERENDAH, [row("a", 7), row("b", 6)], ["b", "a"]),
        # Kualitas: the highest technical score; ties by price.
        (
            M.KUALITAS,
            [row("a", 900, technical=80), row("b", 800, technical=90), row("c", 700, technical=80)],
            ["b", "c", "a"],
        ),
        # Pagu Anggaran: over the pagu (1000) left out, then the best technical score.
        (
            M.PAGU_ANGGARAN,
            [
                row("a", 1001, technical=99),
                row("b", 1000, technical=70),
                row("c", 500, technical=60),
            ],
            ["b", "c"],
        ),
        # Nothing passes: no ranking.
        (M.HARGA_TERENDAH, [row("a", 1, passed=False)], []),
    ],
)
def test_ranking_by_method(method, rows, expected):
    """Each method ranks the passing bids by its rule and breaks ties by the documented
    order (price, submission time, joining)."""
    result = rank(rows, method=method, pagu=Decimal(1000))
    assert [r.key for r in result] == expected


def test_weighted_total_and_price_score():
    """Sistem Nilai: price score = 100 × lowest ÷ price; total = technical × w_t +
    price score × w_p; the higher total wins even at a higher price."""
    rows = [row("a", 1000, technical=90), row("b", 800, technical=60)]
    result = rank(rows, method=M.SISTEM_NILAI, technical_weight=70, price_weight=30)
    assert [(r.key, r.price_score, r.total) for r in result] == [
        ("a", Decimal("80.00"), Decimal("87.00")),
        ("b", Decimal("100.00"), Decimal("72.00")),
    ]


def test_weighted_tie_goes_to_the_lower_price_then_the_earlier_bid():
    """Equal totals: the lower price first; equal prices too: the earlier submission."""
    tie_on_total = [row("a", 1000, technical=100), row("b", 500, technical=50)]
    result = rank(tie_on_total, method=M.KUALITAS_DAN_BIAYA, technical_weight=50, price_weight=50)
    assert [r.total for r in result] == [Decimal("75.00"), Decimal("75.00")]
    assert [r.key for r in result] == ["b", "a"]
    same = [row("a", 500, technical=80, minutes=3), row("b", 500, technical=80, minutes=2)]
    result = rank(same, method=M.UMUR_EKONOMIS, technical_weight=60, price_weight=40)
    assert [r.key for r in result] == ["b", "a"]
