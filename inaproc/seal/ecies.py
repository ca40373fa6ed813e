"""ECIES as docs/sealed-bids.md defines it: ephemeral ECDH P-256, HKDF-SHA256 (empty salt,
info "inaproc-ecies-v1" ‖ epk ‖ recipient), AES-256-GCM with a zero nonce and the context
as associated data."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from inaproc.seal.encoding import CURVE, load_public_raw, public_raw
from inaproc.seal.errors import SealError

INFO_PREFIX = b"inaproc-ecies-v1"
ZERO_NONCE = bytes(12)


def _kek(shared: bytes, epk: bytes, recipient_raw: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=INFO_PREFIX + epk + recipient_raw
    )
    return hkdf.derive(shared)


def wrap(recipient_public_raw: bytes, plaintext: bytes, context: bytes) -> tuple[bytes, bytes]:
    """Encrypt `plaintext` for the holder of `recipient_public_raw`, bound to `context`.
    Returns (epk, ciphertext ‖ tag)."""
    recipient = load_public_raw(recipient_public_raw)
    ephemeral = ec.generate_private_key(CURVE)
    epk = public_raw(ephemeral)
    shared = ephemeral.exchange(ec.ECDH(), recipient)
    kek = _kek(shared, epk, bytes(recipient_public_raw))
    return epk, AESGCM(kek).encrypt(ZERO_NONCE, bytes(plaintext), bytes(context))


def unwrap(
    private_key: ec.EllipticCurvePrivateKey, epk: bytes, ciphertext: bytes, context: bytes
) -> bytes:
    """Decrypt what `wrap` produced; any failure (wrong key, changed epk, ciphertext or
    context) raises SealError("unwrap_failed")."""
    try:
        ephemeral = load_public_raw(epk)
        shared = private_key.exchange(ec.ECDH(), ephemeral)
        kek = _kek(shared, bytes(epk), public_raw(private_key))
        return AESGCM(kek).decrypt(ZERO_NONCE, bytes(ciphertext), bytes(context))
    except (SealError, InvalidTag, ValueError, TypeError, AttributeError) as exc:
        raise SealError("unwrap_failed", "the wrapped key does not open with this key") from exc
