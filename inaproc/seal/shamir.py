"""Shamir's secret sharing over GF(2^8) with the polynomial x^8 + x^4 + x^3 + x + 1
(0x11B), in the share format of HashiCorp Vault and of the npm package
`shamir-secret-sharing`: a share is the y byte for every secret byte, then one x byte.

Written in the project (small, no dependency); the arithmetic is plain bit-by-bit
multiplication, not constant time, which is acceptable on the server (it combines shares
only at the opening, when the key is about to be published). Coefficients and x
coordinates come from `secrets`."""

from __future__ import annotations

import secrets

from inaproc.seal.errors import SealError

MAX_SHARES = 255


def gf_mul(a: int, b: int) -> int:
    """Multiply in GF(2^8) modulo 0x11B."""
    result = 0
    while b:
        if b & 1:
            result ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11B
        b >>= 1
    return result


def gf_inv(a: int) -> int:
    """Multiplicative inverse (a^254); a must not be 0."""
    result, power, exponent = 1, a, 254
    while exponent:
        if exponent & 1:
            result = gf_mul(result, power)
        power = gf_mul(power, power)
        exponent >>= 1
    return result


def _evaluate(coefficients: list[int], x: int) -> int:
    """Horner's rule; coefficients[0] is the intercept (the secret byte)."""
    result = 0
    for coefficient in reversed(coefficients):
        result = gf_mul(result, x) ^ coefficient
    return result


def _random_coefficients(intercept: int, degree: int) -> list[int]:
    coefficients = [intercept] + [secrets.randbelow(256) for _ in range(degree)]
    if degree:
        coefficients[degree] = 1 + secrets.randbelow(255)  # the top one is never 0
    return coefficients


def split(secret: bytes, n: int, k: int) -> list[bytes]:
    """Split `secret` into `n` shares of which any `k` recombine it. With k == 1 each
    "share" is the secret itself (docs/sealed-bids.md: a Pejabat Pengadaan alone)."""
    if not isinstance(secret, bytes | bytearray) or not secret:
        raise SealError("bad_argument", "the secret must be non-empty bytes")
    if not (isinstance(n, int) and isinstance(k, int) and 1 <= k <= n <= MAX_SHARES):
        raise SealError("bad_argument", "need 1 <= k <= n <= 255")
    if k == 1:
        return [bytes(secret) for _ in range(n)]
    xs = list(range(1, 256))
    secrets.SystemRandom().shuffle(xs)
    xs = xs[:n]
    ys: list[bytearray] = [bytearray() for _ in range(n)]
    for byte in secret:
        coefficients = _random_coefficients(byte, k - 1)
        for y, x in zip(ys, xs, strict=True):
            y.append(_evaluate(coefficients, x))
    return [bytes(y) + bytes([x]) for y, x in zip(ys, xs, strict=True)]


def _check_shares(shares: list[bytes]) -> None:
    if not isinstance(shares, list | tuple) or not 2 <= len(shares) <= MAX_SHARES:
        raise SealError("bad_share", "need between 2 and 255 shares")
    if not all(isinstance(share, bytes | bytearray) for share in shares):
        raise SealError("bad_share", "a share must be bytes")
    length = len(shares[0])
    if length < 2 or any(len(share) != length for share in shares):
        raise SealError("bad_share", "the shares differ in length")
    xs = [share[-1] for share in shares]
    if 0 in xs:
        raise SealError("bad_share", "a share has the x coordinate 0")
    if len(set(xs)) != len(xs):
        raise SealError("bad_share", "two shares have the same x coordinate")


def combine(shares: list[bytes]) -> bytes:
    """Lagrange interpolation at x = 0 of every byte position. With fewer shares than
    the threshold the result is a wrong secret, not an error (the caller checks it)."""
    _check_shares(shares)
    xs = [share[-1] for share in shares]
    basis = []
    for i, xi in enumerate(xs):
        numerator, denominator = 1, 1
        for j, xj in enumerate(xs):
            if i != j:
                numerator = gf_mul(numerator, xj)
                denominator = gf_mul(denominator, xi ^ xj)
        basis.append(gf_mul(numerator, gf_inv(denominator)))
    secret = bytearray()
    for position in range(len(shares[0]) - 1):
        value = 0
        for share, weight in zip(shares, basis, strict=True):
            value ^= gf_mul(share[position], weight)
        secret.append(value)
    return bytes(secret)
