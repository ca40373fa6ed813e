"""The bid letter: the exact bytes of the documentation, strictly parsed back."""

from __future__ import annotations

import json

import pytest

from inaproc.seal.bid_letter import BidLetter, make_bid_letter, parse_bid_letter
from inaproc.seal.errors import SealError

DOC_EXAMPLE = (
    b'{"format":"inaproc-bid-letter-1","tender":"12345000",'
    b'"offer_price":"1250000000","validity_days":60}'
)


def test_letter_is_the_documented_bytes_and_parses_back():
    """make_bid_letter writes the doc's example byte for byte; parse reads it back."""
    assert make_bid_letter("12345000", 1_250_000_000, 60) == DOC_EXAMPLE
    assert parse_bid_letter(DOC_EXAMPLE, tender="12345000") == BidLetter(1_250_000_000, 60)


def test_letter_for_another_tender_is_refused():
    """A letter about another tender is wrong_tender."""
    with pytest.raises(SealError) as info:
        parse_bid_letter(DOC_EXAMPLE, tender="12345001")
    assert info.value.code == "wrong_tender"


def letter(**changes) -> bytes:
    fields = json.loads(DOC_EXAMPLE)
    fields.update(changes)
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    "data",
    [
        letter(offer_price=1250000000),
        letter(offer_price="0"),
        letter(offer_price="01"),
        letter(offer_price="-5"),
        letter(offer_price="1.5"),
        letter(offer_price="1" * 19),
        letter(offer_price=" 1"),
        letter(validity_days=0),
        letter(validity_days=1001),
        letter(validity_days="60"),
        letter(validity_days=60.0),
        letter(validity_days=True),
        letter(format="inaproc-bid-letter-2"),
        letter(extra=1),
        b'{"format":"inaproc-bid-letter-1"}',
        DOC_EXAMPLE[:-1] + b',"validity_days":61}',
        b"[]",
        b"\xff",
        b"",
        b" " * 5000,
        "not bytes",
    ],
)
def test_malformed_letters_are_refused(data):
    """Wrong types, leading zeros, out-of-range values, extra or duplicate fields."""
    with pytest.raises(SealError) as info:
        parse_bid_letter(data, tender="12345000")
    assert info.value.code == "bad_letter"


@pytest.mark.parametrize(
    ("tender", "price", "days"),
    [("12a", 1, 1), ("1", 0, 1), ("1", -1, 1), ("1", 10**18, 1), ("1", 1, 0), ("1", True, 1)],
)
def test_make_refuses_bad_values(tender, price, days):
    """The writer refuses what the reader would refuse."""
    with pytest.raises(SealError) as info:
        make_bid_letter(tender, price, days)
    assert info.value.code == "bad_letter"
