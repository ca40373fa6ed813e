"""The portal's signing keys: created, rotated, and their private halves encrypted at
rest with AES-256-GCM under a key derived (HKDF-SHA256) from LOG_KEY_ENCRYPTION_KEY, or
from SECRET_KEY when that setting is empty (development and tests; docs/decisions/0012).

Callers hold the portal's LogState lock (services), so one key per portal is current."""

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone

from inaproc.portals.models import Portal
from inaproc.seal.entries import key_id_of
from inaproc.translog.models import SigningKey

HKDF_INFO = b"inaproc-translog-signing-key-encryption-v1"
NONCE_SIZE = 12


def _encryption_key() -> bytes:
    secret = settings.LOG_KEY_ENCRYPTION_KEY or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret.encode("utf-8")
    )


def private_key_encrypt(private_raw: bytes, *, key_id: str) -> bytes:
    """nonce ‖ AES-256-GCM(private key), bound to its key id (associated data)."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(_encryption_key()).encrypt(nonce, private_raw, key_id.encode("ascii"))


def private_key_decrypt(key: SigningKey) -> Ed25519PrivateKey:
    """The usable private key (raises cryptography's InvalidTag under another secret)."""
    blob = bytes(key.private_key_encrypted)
    raw = AESGCM(_encryption_key()).decrypt(
        blob[:NONCE_SIZE], blob[NONCE_SIZE:], key.key_id.encode("ascii")
    )
    return Ed25519PrivateKey.from_private_bytes(raw)


def signing_key_create(*, portal: Portal) -> SigningKey:
    """A new current key for `portal`, retiring the current one (if any) now."""
    SigningKey.objects.filter(portal=portal, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes_raw()
    key_id = key_id_of(public_raw)
    return SigningKey.objects.create(
        portal=portal,
        key_id=key_id,
        public_key=public_raw,
        private_key_encrypted=private_key_encrypt(private.private_bytes_raw(), key_id=key_id),
    )


def current_signing_key(*, portal: Portal) -> SigningKey:
    """The portal's current key, created on first use (the caller holds the log lock)."""
    key = SigningKey.objects.filter(portal=portal, retired_at__isnull=True).first()
    return key if key is not None else signing_key_create(portal=portal)
