"""The committed vectors (tests/seal/vectors/format-v1.json, shared with the JavaScript
side) still open: a change to the format, the ECIES derivation, the Shamir field or the
key file would make these fail."""

from __future__ import annotations

import io
import itertools
import json
import unicodedata
from pathlib import Path

import pytest

from inaproc.seal import ecies, opening_key, shamir
from inaproc.seal.bid_letter import make_bid_letter, parse_bid_letter
from inaproc.seal.encoding import b64u_decode, private_from_scalar, public_raw, scalar_of
from inaproc.seal.sealed_file import open_stream
from inaproc.seal.tender_keys import reconstruct, unwrap_share

VECTORS = json.loads((Path(__file__).parent / "vectors" / "format-v1.json").read_text("utf-8"))
TENDER_KEY = private_from_scalar(b64u_decode(VECTORS["tender_d"]))


def test_tender_key_pair():
    """The published d and public key belong together."""
    assert public_raw(TENDER_KEY) == b64u_decode(VECTORS["tender_public"])


def test_ecies_vector():
    """The ECIES vector unwraps to its plaintext with its context only."""
    v = VECTORS["ecies"]
    args = (TENDER_KEY, b64u_decode(v["epk"]), b64u_decode(v["ciphertext"]))
    assert ecies.unwrap(*args, v["context"].encode()) == b64u_decode(v["plaintext"])


@pytest.mark.parametrize("vector", VECTORS["sealed_files"], ids=lambda v: v["name"])
def test_sealed_file_vectors(vector):
    """Each sealed vector opens to its plaintext, name and type."""
    out = io.BytesIO()
    result = open_stream(
        io.BytesIO(b64u_decode(vector["sealed"])),
        out,
        private_key=TENDER_KEY,
        expect_tender=VECTORS["tender"],
        expect_slot=vector["slot"],
    )
    assert out.getvalue() == b64u_decode(vector["plaintext"])
    assert (result.name, result.content_type) == (vector["name"], vector["type"])


def test_shamir_vectors():
    """Hand-made and split vectors recombine from any k shares."""
    hand = VECTORS["shamir"]["hand"]
    hand_shares = [b64u_decode(s) for s in hand["shares"]]
    assert hand_shares == [b"\xd4\x01", b"\x4a\x02", b"\xc9\x03"]
    assert shamir.combine(hand_shares[:2]) == b64u_decode(hand["secret"]) == b"\x57"
    secret = b64u_decode(VECTORS["shamir"]["secret"])
    for name, k in (("2_of_3", 2), ("3_of_5", 3)):
        shares = [b64u_decode(s) for s in VECTORS["shamir"][name]]
        for subset in itertools.combinations(shares, k):
            assert shamir.combine(list(subset)) == secret


def test_wrapped_tender_shares_and_opening_key_file():
    """The member key file opens with the passphrase (NFC and NFD), its member unwraps
    its share, and two unwrapped shares give the tender key."""
    ok = VECTORS["opening_key"]
    for form in ("NFC", "NFD"):
        passphrase = unicodedata.normalize(form, ok["passphrase"])
        member = opening_key.load_opening_key_file(ok["file"], passphrase)
        assert scalar_of(member) == b64u_decode(ok["d"])
    shares = []
    for item in VECTORS["tender_shares_2_of_3"]:
        member = private_from_scalar(b64u_decode(item["member_d"]))
        share = unwrap_share(
            member,
            b64u_decode(item["epk"]),
            b64u_decode(item["ciphertext"]),
            tender=VECTORS["tender"],
            envelope=1,
        )
        assert share == b64u_decode(item["share"])
        shares.append(share)
    key = reconstruct(shares[1:], expected_public_raw=b64u_decode(VECTORS["tender_public"]))
    assert scalar_of(key) == scalar_of(TENDER_KEY)


def test_bid_letter_vector():
    """The letter vector is what make_bid_letter writes and parses back."""
    letter = b64u_decode(VECTORS["bid_letter"])
    assert letter == make_bid_letter(VECTORS["tender"], 1_250_000_000, 60)
    assert parse_bid_letter(letter, tender=VECTORS["tender"]).offer_price == 1_250_000_000
