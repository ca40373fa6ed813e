from decimal import Decimal

import pytest

from inaproc.tenders.money import parse_rupiah, rupiah, rupiah_short


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1_700_000_000, "1,7 M"),
        (3_800_000, "3,8 Jt"),
        (2_100_000_000_000, "2,1 T"),
        (500_000, "500 rb"),
        (2_000_000_000, "2 M"),
        (850_000_000, "850 Jt"),
        (999, "999"),
    ],
)
def test_lists_abbreviate_money_as_spse_does(value, shown):
    assert rupiah_short(Decimal(value)) == shown


def test_detail_pages_show_money_in_full():
    assert rupiah(Decimal(1_000_000_000)) == "Rp 1.000.000.000,00"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000,00", 1_500_000),
        ("rp1.500.000", 1_500_000),
    ],
)
def test_typed_amounts_are_read_as_whole_rupiah(typed, amount):
    assert parse_rupiah(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "12a", "-5", "1.5", "1.500.00", "1,5", "Rp"])
def test_what_is_not_a_whole_rupiah_amount_is_refused(typed):
    assert parse_rupiah(typed) is None
