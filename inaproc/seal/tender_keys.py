"""Tender key pairs (one per envelope), their Shamir shares wrapped for the Pokja
members' opening keys, reconstruction at the opening, and the tender key file that
vendors download for the offline tool."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from inaproc.seal import ecies, shamir
from inaproc.seal.encoding import (
    CURVE,
    SCALAR_SIZE,
    fingerprint,
    load_public_raw,
    private_from_scalar,
    public_raw,
    scalar_of,
)
from inaproc.seal.errors import SealError
from inaproc.seal.header import FINGERPRINT_RE, SLOT_RE, TENDER_RE

PEM_BEGIN = "-----BEGIN PUBLIC KEY-----"
ENVELOPES = (1, 2)
_LINE = re.compile(r"([A-Za-z]+): *(.*)")


def make_tender_key() -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    """A fresh tender key pair: (private key, raw public key)."""
    private_key = ec.generate_private_key(CURVE)
    return private_key, public_raw(private_key)


def split_tender_key(private_key: ec.EllipticCurvePrivateKey, n: int, k: int) -> list[bytes]:
    """The n shares (33 bytes each; 32 = d itself when k == 1) of the tender key."""
    return shamir.split(scalar_of(private_key), n, k)


def share_context(member_public_raw: bytes, *, tender: str, envelope: int) -> bytes:
    member = fingerprint(bytes(member_public_raw))
    return f"inaproc-share-v1|{tender}|{envelope}|{member}".encode("ascii")


def wrap_share(
    member_public_raw: bytes, share: bytes, *, tender: str, envelope: int
) -> tuple[bytes, bytes]:
    """ECIES-wrap one share for a member's opening key: (epk, ciphertext)."""
    context = share_context(member_public_raw, tender=tender, envelope=envelope)
    return ecies.wrap(member_public_raw, share, context)


def unwrap_share(
    member_private_key: ec.EllipticCurvePrivateKey,
    epk: bytes,
    ct: bytes,
    *,
    tender: str,
    envelope: int,
) -> bytes:
    """The member's share, or SealError("unwrap_failed")."""
    context = share_context(public_raw(member_private_key), tender=tender, envelope=envelope)
    return ecies.unwrap(member_private_key, epk, ct, context)


def reconstruct(shares: list[bytes], *, expected_public_raw: bytes) -> ec.EllipticCurvePrivateKey:
    """The tender private key from k (or more) shares, checked against the published
    public key. With a threshold of 1 a share is d itself (32 bytes). Raises bad_share
    for unusable shares and key_mismatch when they give another key (too few, wrong)."""
    if not shares:
        raise SealError("bad_share", "no shares")
    if all(isinstance(s, bytes | bytearray) and len(s) == SCALAR_SIZE for s in shares):
        candidates = [bytes(s) for s in shares]
    else:
        candidates = [shamir.combine(list(shares))]
    for d in candidates:
        try:
            key = private_from_scalar(d)
        except SealError:
            continue
        if public_raw(key) == bytes(expected_public_raw):
            return key
    raise SealError("key_mismatch", "the shares do not give the tender's private key")


def private_pem(private_key: ec.EllipticCurvePrivateKey) -> str:
    """Unencrypted PKCS #8 PEM (published after the opening)."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(public_raw_key: bytes) -> str:
    """SubjectPublicKeyInfo PEM of a raw public key."""
    return (
        load_public_raw(public_raw_key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@dataclass(frozen=True)
class TenderKeyFile:
    tender: str
    envelope: int
    slots: tuple[str, ...]
    fingerprint: str
    public_raw: bytes


def tender_key_file(
    code: str, envelope: int, slots: list[str] | tuple[str, ...], public_raw_key: bytes
) -> str:
    """The downloadable tender key file: explanatory lines, then the SPKI PEM."""
    return (
        "Inaproc tender public key: seal bids offline with `python -m inaproc.seal`.\n"
        "Kunci publik tender Inaproc: segel penawaran luring dengan `python -m inaproc.seal`.\n"
        f"Tender: {code}\n"
        f"Envelope: {envelope}\n"
        f"Slots: {','.join(slots)}\n"
        f"Fingerprint: {fingerprint(bytes(public_raw_key))}\n" + public_pem(public_raw_key)
    )


def parse_tender_key_file(text: str) -> TenderKeyFile:
    """Parse and check a tender key file: its lines, its key, and that the stated
    fingerprint is the key's. Raises SealError("bad_key_file")."""
    if not isinstance(text, str) or PEM_BEGIN not in text:
        raise SealError("bad_key_file", "no public key (PEM) in the tender key file")
    preface, pem = text.split(PEM_BEGIN, 1)
    fields = {}
    for line in preface.splitlines():
        match = _LINE.fullmatch(line.strip())
        if match and match.group(1) in {"Tender", "Envelope", "Slots", "Fingerprint"}:
            fields[match.group(1)] = match.group(2).strip()
    try:
        key = serialization.load_pem_public_key((PEM_BEGIN + pem).encode("ascii"))
        raw = public_raw(key)  # type: ignore[arg-type]
    except (ValueError, TypeError, UnicodeError, SealError) as exc:
        raise SealError("bad_key_file", "the tender key is not a P-256 public key") from exc
    return _key_file_of(fields, raw)


def _key_file_of(fields: dict[str, str], raw: bytes) -> TenderKeyFile:
    tender = fields.get("Tender", "")
    envelope = fields.get("Envelope", "")
    slots = tuple(fields.get("Slots", "").split(","))
    stated = fields.get("Fingerprint", "").replace(" ", "").lower()
    if not TENDER_RE.fullmatch(tender) or envelope not in {str(e) for e in ENVELOPES}:
        raise SealError("bad_key_file", "the Tender: or Envelope: line is missing or wrong")
    if not all(SLOT_RE.fullmatch(slot) for slot in slots):
        raise SealError("bad_key_file", "the Slots: line is missing or wrong")
    if not FINGERPRINT_RE.fullmatch(stated) or stated != fingerprint(raw):
        raise SealError("bad_key_file", "the Fingerprint: line does not match the key")
    return TenderKeyFile(
        tender=tender, envelope=int(envelope), slots=slots, fingerprint=stated, public_raw=raw
    )
