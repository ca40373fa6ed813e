"""ECIES of docs/sealed-bids.md: what is wrapped opens only with the right key, the
same context, and untouched epk and ciphertext; the derivation matches the doc."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from inaproc.seal import ecies
from inaproc.seal.encoding import load_public_raw, public_raw
from inaproc.seal.errors import SealError
from inaproc.seal.tender_keys import make_tender_key

CONTEXT = b"inaproc-seal-v1|12345000|penawaran"


def test_round_trip_and_doc_derivation():
    """unwrap(wrap(x)) == x, and the ciphertext is what the doc's steps give."""
    key, raw = make_tender_key()
    epk, ct = ecies.wrap(raw, b"k" * 32, CONTEXT)
    assert len(epk) == 65 and len(ct) == 48
    assert ecies.unwrap(key, epk, ct, CONTEXT) == b"k" * 32
    shared = key.exchange(ec.ECDH(), load_public_raw(epk))
    kek = HKDF(hashes.SHA256(), 32, salt=b"", info=b"inaproc-ecies-v1" + epk + raw).derive(shared)
    assert AESGCM(kek).decrypt(bytes(12), ct, CONTEXT) == b"k" * 32


def test_context_is_bound():
    """Another tender, slot or envelope in the context does not unwrap."""
    key, raw = make_tender_key()
    epk, ct = ecies.wrap(raw, b"secret", CONTEXT)
    for context in (b"inaproc-seal-v1|12345000|file2", b"inaproc-seal-v1|12345001|penawaran", b""):
        with pytest.raises(SealError) as info:
            ecies.unwrap(key, epk, ct, context)
        assert info.value.code == "unwrap_failed"


def test_wrong_key_or_changed_bytes_fail():
    """Another private key, a changed ciphertext or epk, or a junk epk fail the same way."""
    key, raw = make_tender_key()
    other, _ = make_tender_key()
    epk, ct = ecies.wrap(raw, b"secret", CONTEXT)
    _, other_epk = make_tender_key()
    cases = [
        (other, epk, ct),
        (key, epk, ct[:-1] + bytes([ct[-1] ^ 1])),
        (key, other_epk, ct),
        (key, b"\x04" + bytes(64), ct),
        (key, b"", ct),
    ]
    for private_key, e, c in cases:
        with pytest.raises(SealError) as info:
            ecies.unwrap(private_key, e, c, CONTEXT)
        assert info.value.code == "unwrap_failed"


def test_wrap_refuses_an_invalid_public_key():
    """Wrapping for a point off the curve or a compressed point is refused."""
    for raw in (b"\x04" + bytes(64), b"\x02" + bytes(32), b""):
        with pytest.raises(SealError) as info:
            ecies.wrap(raw, b"x", CONTEXT)
        assert info.value.code == "bad_key"


def test_public_raw_round_trip():
    """A raw key loads back to the same point."""
    key = ec.generate_private_key(ec.SECP256R1())
    assert public_raw(load_public_raw(public_raw(key))) == public_raw(key)
