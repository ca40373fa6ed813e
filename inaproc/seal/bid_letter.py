"""The bid letter (docs/sealed-bids.md, "The bid letter"): the offer itself, sealed
like a file in the slot `surat_penawaran` as `surat-penawaran.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from inaproc.seal.encoding import is_int, strict_json_object
from inaproc.seal.errors import SealError
from inaproc.seal.header import TENDER_RE

FORMAT = "inaproc-bid-letter-1"
SLOT = "surat_penawaran"
NAME = "surat-penawaran.json"
CONTENT_TYPE = "application/json"
FIELDS = ("format", "tender", "offer_price", "validity_days")
# Whole rupiah, no leading zero, positive, below 10^18 (a quintillion rupiah).
PRICE_RE = re.compile(r"[1-9][0-9]{0,17}")
MAX_VALIDITY_DAYS = 1000
MAX_LETTER_SIZE = 4096


@dataclass(frozen=True)
class BidLetter:
    offer_price: int
    validity_days: int


def _check_values(offer_price: object, validity_days: object) -> None:
    if not is_int(offer_price) or not PRICE_RE.fullmatch(str(offer_price)):
        raise SealError("bad_letter", "the offer price must be whole rupiah, 1 to 18 digits")
    if not is_int(validity_days) or not 1 <= validity_days <= MAX_VALIDITY_DAYS:  # type: ignore[operator]
        raise SealError("bad_letter", f"the validity must be 1 to {MAX_VALIDITY_DAYS} days")


def make_bid_letter(tender: str, offer_price: int, validity_days: int) -> bytes:
    """The letter's bytes, keys in the order of the documentation, no whitespace."""
    if not isinstance(tender, str) or not TENDER_RE.fullmatch(tender):
        raise SealError("bad_letter", "a tender code is a string of digits")
    _check_values(offer_price, validity_days)
    letter = {
        "format": FORMAT,
        "tender": tender,
        "offer_price": str(offer_price),
        "validity_days": validity_days,
    }
    return json.dumps(letter, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def parse_bid_letter(data: bytes, *, tender: str) -> BidLetter:
    """Read a letter strictly: exactly its four fields, the format, digits and ranges
    (SealError "bad_letter"); a letter about another tender is "wrong_tender"."""
    if not isinstance(data, bytes | bytearray) or len(data) > MAX_LETTER_SIZE:
        raise SealError("bad_letter", "the bid letter is missing or too large")
    fields = strict_json_object(bytes(data), "bad_letter", "the bid letter")
    if set(fields) != set(FIELDS) or fields["format"] != FORMAT:
        raise SealError("bad_letter", f"not a letter in the format {FORMAT}")
    price = fields["offer_price"]
    if not isinstance(price, str) or not PRICE_RE.fullmatch(price):
        raise SealError("bad_letter", "the offer price must be a string of digits")
    _check_values(int(price), fields["validity_days"])
    if fields["tender"] != tender:
        raise SealError("wrong_tender", "the bid letter is for another tender")
    return BidLetter(offer_price=int(price), validity_days=fields["validity_days"])
