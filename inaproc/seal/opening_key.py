"""A Pokja member's opening key file (`.inpkey`, docs/sealed-bids.md): the P-256
private key as PKCS #8, encrypted under PBKDF2-SHA256(NFC passphrase) with AES-256-GCM.
The browser makes the real ones; this is the same format in Python, for the tests and
for anyone who wants to open a share without the browser."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from inaproc.seal.encoding import (
    CURVE,
    b64u_decode,
    b64u_encode,
    fingerprint,
    is_int,
    load_public_raw,
    public_raw,
    strict_json_object,
)
from inaproc.seal.errors import SealError

FORMAT = "inaproc-opening-key-1"
KDF_NAME = "PBKDF2-SHA256"
MIN_ITERATIONS = 600_000
# Far above any real file; bounds the work a crafted file can ask for.
MAX_ITERATIONS = 10_000_000
SALT_SIZE = 16
IV_SIZE = 12


def _derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    if not isinstance(passphrase, str):
        raise SealError("bad_argument", "the passphrase must be a string")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(secret)


def make_opening_key_file(
    passphrase: str, *, portal: str, username: str, iterations: int = MIN_ITERATIONS
) -> tuple[dict[str, Any], ec.EllipticCurvePrivateKey]:
    """A new member key pair and its key file (as a dict ready for json.dumps)."""
    if not is_int(iterations) or not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise SealError("weak_kdf", f"use {MIN_ITERATIONS} to {MAX_ITERATIONS} iterations")
    private_key = ec.generate_private_key(CURVE)
    raw = public_raw(private_key)
    fp = fingerprint(raw)
    salt, iv = secrets.token_bytes(SALT_SIZE), secrets.token_bytes(IV_SIZE)
    der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    sealed = AESGCM(_derive(passphrase, salt, iterations)).encrypt(iv, der, fp.encode("ascii"))
    data = {
        "format": FORMAT,
        "portal": portal,
        "username": username,
        "public_key": b64u_encode(raw),
        "fingerprint": fp,
        "created": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "kdf": {"name": KDF_NAME, "iterations": iterations, "salt": b64u_encode(salt)},
        "iv": b64u_encode(iv),
        "private_key": b64u_encode(sealed),
    }
    return data, private_key


def _parse(data: dict[str, Any] | str | bytes) -> dict[str, Any]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, bytes | bytearray):
        data = strict_json_object(bytes(data), "bad_key_file", "the opening key file")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SealError("bad_key_file", f"not an opening key file ({FORMAT})")
    return data


def _field_bytes(data: dict[str, Any], name: str, size: int | None = None) -> bytes:
    try:
        value = b64u_decode(data[name])
    except (KeyError, SealError) as exc:
        raise SealError("bad_key_file", f"the field {name!r} is missing or malformed") from exc
    if size is not None and len(value) != size:
        raise SealError("bad_key_file", f"the field {name!r} has a wrong length")
    return value


def load_opening_key_file(
    data: dict[str, Any] | str | bytes, passphrase: str
) -> ec.EllipticCurvePrivateKey:
    """The member's private key. Raises SealError: bad_key_file (malformed), weak_kdf
    (fewer than 600 000 iterations), bad_passphrase, key_mismatch (the key inside is not
    the public key the file states)."""
    data = _parse(data)
    kdf = data.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != KDF_NAME:
        raise SealError("bad_key_file", f"the key derivation is not {KDF_NAME}")
    iterations = kdf.get("iterations")
    if not isinstance(iterations, int) or isinstance(iterations, bool):
        raise SealError("bad_key_file", "the iteration count is not a whole number")
    if iterations < MIN_ITERATIONS:
        raise SealError("weak_kdf", f"fewer than {MIN_ITERATIONS} iterations")
    if iterations > MAX_ITERATIONS:
        raise SealError("bad_key_file", "an unreasonable number of iterations")
    salt = _field_bytes(kdf, "salt", SALT_SIZE)
    iv = _field_bytes(data, "iv", IV_SIZE)
    raw = _field_bytes(data, "public_key")
    sealed = _field_bytes(data, "private_key")
    try:
        load_public_raw(raw)
    except SealError as exc:
        raise SealError("bad_key_file", "the public key is not a P-256 key") from exc
    fp = fingerprint(raw)
    if data.get("fingerprint") != fp:
        raise SealError("bad_key_file", "the fingerprint is not the public key's")
    try:
        der = AESGCM(_derive(passphrase, salt, iterations)).decrypt(iv, sealed, fp.encode("ascii"))
    except InvalidTag as exc:
        raise SealError("bad_passphrase", "the passphrase does not open this key file") from exc
    return _private_key_of(der, raw)


def _private_key_of(der: bytes, raw: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError) as exc:
        raise SealError("bad_key_file", "the private key inside is not PKCS #8") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != CURVE.name:
        raise SealError("bad_key_file", "the private key inside is not a P-256 key")
    if public_raw(key) != raw:
        raise SealError("key_mismatch", "the private key inside is not the file's public key")
    return key
