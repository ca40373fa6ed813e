"""Byte-level conventions of docs/sealed-bids.md: base64url, P-256 raw keys and their
fingerprints, scalars, and the canonical JSON the writers emit."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from inaproc.seal.errors import SealError

CURVE = ec.SECP256R1()
# The order n of P-256: a private scalar d is 1 <= d < n.
CURVE_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
PUBLIC_RAW_SIZE = 65
SCALAR_SIZE = 32
_B64U = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def b64u_encode(data: bytes) -> str:
    """base64url without padding (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Decode base64url with or without padding; anything else (other alphabets, spaces,
    wrong padding, non-canonical trailing bits) raises SealError("bad_encoding")."""
    if not isinstance(text, str) or not _B64U.fullmatch(text):
        raise SealError("bad_encoding", "not base64url")
    bare = text.rstrip("=")
    if (text != bare and len(text) % 4) or len(bare) % 4 == 1:
        raise SealError("bad_encoding", "base64url of an impossible length")
    data = base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    if b64u_encode(data) != bare:
        raise SealError("bad_encoding", "non-canonical base64url")
    return data


def fingerprint(public_raw: bytes) -> str:
    """Lowercase hex SHA-256 of the 65-byte raw public key."""
    return hashlib.sha256(bytes(public_raw)).hexdigest()


def public_raw(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> bytes:
    """The raw uncompressed point 0x04 ‖ X ‖ Y of a P-256 key (public or private)."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        key = key.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != CURVE.name:
        raise SealError("bad_key", "not a P-256 key")
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def load_public_raw(raw: bytes) -> ec.EllipticCurvePublicKey:
    """Load a raw P-256 public key: 65 bytes, 0x04 first, a point on the curve."""
    if not isinstance(raw, bytes | bytearray) or len(raw) != PUBLIC_RAW_SIZE or raw[0] != 4:
        raise SealError("bad_key", "a public key must be 65 bytes starting with 0x04")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(CURVE, bytes(raw))
    except ValueError as exc:
        raise SealError("bad_key", "the public key is not a point on P-256") from exc


def private_from_scalar(d: bytes) -> ec.EllipticCurvePrivateKey:
    """The P-256 private key of a 32-byte big-endian scalar (1 <= d < n)."""
    if not isinstance(d, bytes | bytearray) or len(d) != SCALAR_SIZE:
        raise SealError("bad_key", "a private scalar must be 32 bytes")
    value = int.from_bytes(d, "big")
    if not 0 < value < CURVE_ORDER:
        raise SealError("bad_key", "the private scalar is out of range")
    return ec.derive_private_key(value, CURVE)


def scalar_of(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """The 32-byte big-endian scalar d of a P-256 private key."""
    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or (
        private_key.curve.name != CURVE.name
    ):
        raise SealError("bad_key", "not a P-256 private key")
    return private_key.private_numbers().private_value.to_bytes(SCALAR_SIZE, "big")


def canonical_json(obj: Any) -> bytes:
    """JSON with sorted keys, no whitespace, ASCII only (non-ASCII as \\u escapes)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def strict_json_object(data: bytes, code: str, what: str) -> dict[str, Any]:
    """Parse `data` as one JSON object: UTF-8, no duplicate keys, no NaN/Infinity.
    Anything else raises SealError(code)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise ValueError("duplicate key")
        return result

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        value = json.loads(
            bytes(data).decode("utf-8"),
            object_pairs_hook=no_duplicates,
            parse_constant=no_constants,
        )
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise SealError(code, f"{what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise SealError(code, f"{what} is not a JSON object")
    return value


def is_int(value: Any) -> bool:
    """A JSON integer (bool is an int in Python, but not in JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)
