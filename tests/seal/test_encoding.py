"""Encoding conventions: strict base64url, fingerprints, scalars, canonical JSON."""

from __future__ import annotations

import hashlib

import pytest

from inaproc.seal.encoding import (
    CURVE_ORDER,
    b64u_decode,
    b64u_encode,
    canonical_json,
    fingerprint,
    private_from_scalar,
    public_raw,
    scalar_of,
)
from inaproc.seal.errors import SealError


def test_b64u_round_trip_with_and_without_padding():
    """Encoding drops padding; decoding accepts it present or absent."""
    for data in (b"", b"a", b"ab", b"abc", b"\xfb\xff\xfe"):
        text = b64u_encode(data)
        assert "=" not in text and "+" not in text and "/" not in text
        assert b64u_decode(text) == data
        assert b64u_decode(text + "=" * (-len(text) % 4)) == data
    assert b64u_encode(b"\xfb\xff") == "-_8"


@pytest.mark.parametrize("text", ["a", "ab=", "ab===", "a+b/", "ab c", "YQ=x", "YR", 5, "é"])
def test_b64u_rejects_bad_input(text):
    """Other alphabets, wrong padding, impossible lengths, non-canonical bits, non-str."""
    with pytest.raises(SealError) as info:
        b64u_decode(text)
    assert info.value.code == "bad_encoding"


def test_scalar_round_trip_and_fingerprint():
    """d ↔ private key, and the fingerprint is the hex SHA-256 of the 65 raw bytes."""
    d = (12345).to_bytes(32, "big")
    key = private_from_scalar(d)
    assert scalar_of(key) == d
    raw = public_raw(key)
    assert len(raw) == 65 and raw[0] == 4
    assert fingerprint(raw) == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize(
    "d", [bytes(32), CURVE_ORDER.to_bytes(32, "big"), b"\xff" * 32, b"\x01" * 31, "x"]
)
def test_bad_scalars_are_refused(d):
    """0, n, above n, wrong length: SealError("bad_key")."""
    with pytest.raises(SealError) as info:
        private_from_scalar(d)
    assert info.value.code == "bad_key"


def test_canonical_json():
    """Sorted keys, no whitespace, non-ASCII escaped."""
    assert canonical_json({"b": 1, "a": "é"}) == b'{"a":"\\u00e9","b":1}'
