"""Shamir shares in the Vault / npm shamir-secret-sharing format: y bytes then x byte,
GF(2^8) modulo 0x11B; any k of n recombine, fewer do not, bad input is refused."""

from __future__ import annotations

import itertools
import secrets

import pytest

from inaproc.seal import shamir
from inaproc.seal.errors import SealError


def test_field_multiplication_matches_fips_197():
    """GF(2^8) products of FIPS-197 §4.2 (the AES field, polynomial 0x11B)."""
    assert shamir.gf_mul(0x57, 0x83) == 0xC1
    assert shamir.gf_mul(0x57, 0x13) == 0xFE
    assert shamir.gf_mul(0x57, 0x02) == 0xAE
    assert shamir.gf_mul(0xAE, 0x02) == 0x47
    assert all(shamir.gf_mul(a, shamir.gf_inv(a)) == 1 for a in range(1, 256))


@pytest.mark.parametrize(("n", "k"), [(2, 2), (3, 2), (5, 3), (7, 4)])
def test_every_k_subset_recombines(n, k):
    """Every subset of k shares (in any order) and every larger subset give the secret."""
    secret = secrets.token_bytes(32)
    shares = shamir.split(secret, n, k)
    assert len(shares) == n and all(len(share) == 33 for share in shares)
    assert len({share[-1] for share in shares}) == n and all(share[-1] for share in shares)
    for size in range(k, n + 1):
        for subset in itertools.combinations(shares, size):
            assert shamir.combine(list(reversed(subset))) == secret


@pytest.mark.parametrize(("n", "k"), [(3, 3), (5, 3), (5, 4)])
def test_fewer_than_k_shares_give_another_secret(n, k):
    """With k-1 shares the interpolation gives a wrong secret (or an error for one)."""
    secret = secrets.token_bytes(32)
    shares = shamir.split(secret, n, k)
    for subset in itertools.combinations(shares, k - 1):
        if len(subset) < 2:
            with pytest.raises(SealError):
                shamir.combine(list(subset))
        else:
            assert shamir.combine(list(subset)) != secret


def test_threshold_one_share_is_the_secret():
    """k == 1 (a Pejabat Pengadaan alone): every "share" is the secret itself (doc)."""
    assert shamir.split(b"\x07" * 32, 3, 1) == [b"\x07" * 32] * 3


# Vectors derived by hand from the format, for the JavaScript side to combine too:
# secret 0x57, polynomial 0x57 + 0x83·x; y(1) = 0xD4, y(2) = 0x57 ^ 0x1D = 0x4A,
# y(3) = 0x57 ^ 0x9E = 0xC9 (0x83·2 = 0x106 ^ 0x11B = 0x1D; 0x83·3 = 0x1D ^ 0x83).
HAND_VECTOR = [bytes([0xD4, 0x01]), bytes([0x4A, 0x02]), bytes([0xC9, 0x03])]


def test_hand_computed_vector():
    """Shares computed by hand from the format combine to 0x57, pairwise and all three."""
    for subset in itertools.combinations(HAND_VECTOR, 2):
        assert shamir.combine(list(subset)) == b"\x57"
    assert shamir.combine(HAND_VECTOR) == b"\x57"


@pytest.mark.parametrize(
    "shares",
    [
        [],
        [b"\x01\x02"],
        [b"\x01\x02", b"\x01\x02"],  # duplicate x
        [b"\x01\x02", b"\x01\x02\x03"],  # lengths differ
        [b"\x01", b"\x02"],  # no y byte
        [b"\x01\x00", b"\x02\x01"],  # x = 0
        ["ab", "cd"],
        [b"\x01\x02"] * 256,
    ],
)
def test_bad_shares_are_refused(shares):
    """Unusable share lists raise SealError("bad_share")."""
    with pytest.raises(SealError) as info:
        shamir.combine(shares)
    assert info.value.code == "bad_share"


@pytest.mark.parametrize(
    ("secret", "n", "k"), [(b"", 3, 2), (b"x", 2, 3), (b"x", 256, 2), (b"x", 3, 0)]
)
def test_bad_split_arguments_are_refused(secret, n, k):
    """Impossible split parameters raise SealError."""
    with pytest.raises(SealError):
        shamir.split(secret, n, k)
