"""Sealing and opening `.inpseal` files (docs/sealed-bids.md, "Sealed file"), streaming:
a file of any size passes through in records, never whole in memory.

Every failure that comes from the data (a changed, cut, reordered or foreign file, a wrong
key) raises SealError with a stable code; errors of the streams themselves (OSError) are
the caller's."""

from __future__ import annotations

import hashlib
import io
import secrets
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from inaproc.seal import ecies
from inaproc.seal.encoding import (
    b64u_decode,
    canonical_json,
    fingerprint,
    is_int,
    load_public_raw,
    public_raw,
    strict_json_object,
)
from inaproc.seal.errors import SealError
from inaproc.seal.header import (
    DEFAULT_RECORD,
    MAX_RECORD,
    MIN_RECORD,
    TAG,
    Header,
    build_preamble,
    check_slot_code,
    check_tender_code,
    read_exact,
    read_header,
)

__all__ = [
    "Header",
    "OpenResult",
    "SealResult",
    "check_sealed",
    "open_stream",
    "read_header",
    "seal_stream",
    "sealed_sha256",
]

META_NONCE = b"\x01" + bytes(11)
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class SealResult:
    """What sealing produced: the SHA-256 (hex) and size of the sealed bytes."""

    sha256: str
    sealed_size: int
    header: Header


@dataclass(frozen=True)
class OpenResult:
    """What opening produced: the sealed name, type and size, and the SHA-256 (hex) of
    the opened bytes."""

    name: str
    content_type: str
    size: int
    sha256_of_plaintext: str


def data_key_context(tender: str, slot: str) -> bytes:
    return f"inaproc-seal-v1|{tender}|{slot}".encode("ascii")


def meta_context(tender: str, slot: str) -> bytes:
    return f"inaproc-meta-v1|{tender}|{slot}".encode("ascii")


def record_nonce(index: int, last: bool) -> bytes:
    """0x00 0x00 0x00 ‖ index (8 bytes big-endian) ‖ 0x01 for the last record else 0x00."""
    return b"\x00\x00\x00" + struct.pack(">Q", index) + (b"\x01" if last else b"\x00")


class _HashingWriter:
    def __init__(self, dst: BinaryIO) -> None:
        self.dst, self.hash, self.size = dst, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.dst.write(data)
        self.hash.update(data)
        self.size += len(data)


def seal_stream(
    src: BinaryIO,
    dst: BinaryIO,
    *,
    tender: str,
    slot: str,
    tender_public_raw: bytes,
    name: str,
    content_type: str,
    size: int,
    record_size: int = DEFAULT_RECORD,
) -> SealResult:
    """Seal the `size` bytes of `src` into `dst` for the tender key `tender_public_raw`.
    Raises SealError("size_mismatch") if `src` does not hold exactly `size` bytes (what
    was written to `dst` is then garbage for the caller to discard)."""
    check_tender_code(tender)
    check_slot_code(slot)
    load_public_raw(tender_public_raw)
    if not is_int(size) or size < 0:
        raise SealError("bad_argument", "the size must be a whole number of bytes")
    if not is_int(record_size) or not MIN_RECORD <= record_size <= MAX_RECORD:
        raise SealError("bad_argument", "the record size is out of range")
    if not isinstance(name, str) or not isinstance(content_type, str):
        raise SealError("bad_argument", "the name and type must be strings")
    data_key = secrets.token_bytes(32)
    aead = AESGCM(data_key)
    epk, wk = ecies.wrap(tender_public_raw, data_key, data_key_context(tender, slot))
    meta_plain = canonical_json({"name": name, "type": content_type, "size": size})
    meta = aead.encrypt(META_NONCE, meta_plain, meta_context(tender, slot))
    preamble, header = build_preamble(
        tender=tender,
        slot=slot,
        key=fingerprint(bytes(tender_public_raw)),
        epk=epk,
        wk=wk,
        rs=record_size,
        meta=meta,
    )
    out = _HashingWriter(dst)
    out.write(preamble)
    read = _encrypt_records(src, out, aead, header)
    if read != size:
        raise SealError("size_mismatch", f"read {read} bytes, expected {size}")
    return SealResult(sha256=out.hash.hexdigest(), sealed_size=out.size, header=header)


def _encrypt_records(src: BinaryIO, out: _HashingWriter, aead: AESGCM, header: Header) -> int:
    """Encrypt src in records of header.rs; the record after which src ends is the last."""
    index, total = 0, 0
    chunk = read_exact(src, header.rs)
    while True:
        following = read_exact(src, header.rs) if len(chunk) == header.rs else b""
        last = not following
        out.write(aead.encrypt(record_nonce(index, last), chunk, header.preamble_sha256))
        total += len(chunk)
        if last:
            return total
        index, chunk = index + 1, following


def open_stream(
    src: BinaryIO,
    dst: BinaryIO,
    *,
    private_key: ec.EllipticCurvePrivateKey,
    expect_tender: str | None = None,
    expect_slot: str | None = None,
) -> OpenResult:
    """Open a sealed file with the tender private key, writing the plaintext to `dst`
    as records authenticate. On SealError, what was written to `dst` must be discarded."""
    header = read_header(src)
    if expect_tender is not None and header.tender != expect_tender:
        raise SealError("wrong_tender", f"sealed for tender {header.tender}")
    if expect_slot is not None and header.slot != expect_slot:
        raise SealError("wrong_slot", f"sealed for slot {header.slot}")
    try:
        own_fingerprint = fingerprint(public_raw(private_key))
    except SealError as exc:
        raise SealError("wrong_key", "the key given is not a P-256 private key") from exc
    if own_fingerprint != header.key:
        raise SealError("wrong_key", "sealed to another tender key")
    data_key = ecies.unwrap(
        private_key, header.epk, header.wk, data_key_context(header.tender, header.slot)
    )
    aead = AESGCM(data_key)
    meta = _open_meta(aead, header)
    plain_hash = hashlib.sha256()
    size = _decrypt_records(src, dst, aead, header, plain_hash)
    if size != meta["size"]:
        raise SealError("size_mismatch", f"opened {size} bytes, the seal says {meta['size']}")
    return OpenResult(
        name=meta["name"],
        content_type=meta["type"],
        size=size,
        sha256_of_plaintext=plain_hash.hexdigest(),
    )


def _open_meta(aead: AESGCM, header: Header) -> dict[str, Any]:
    try:
        plain = aead.decrypt(
            META_NONCE, b64u_decode(header.meta_b64), meta_context(header.tender, header.slot)
        )
    except InvalidTag as exc:
        raise SealError("meta_failed", "the file's name/type/size do not authenticate") from exc
    meta = strict_json_object(plain, "meta_failed", "the meta block")
    if (
        set(meta) != {"name", "type", "size"}
        or not isinstance(meta["name"], str)
        or not isinstance(meta["type"], str)
        or not is_int(meta["size"])
        or meta["size"] < 0
    ):
        raise SealError("meta_failed", "the meta block is not {name, type, size}")
    return meta


def _decrypt_records(
    src: BinaryIO, dst: BinaryIO, aead: AESGCM, header: Header, plain_hash: Any
) -> int:
    stored = header.rs + TAG
    index, total = 0, 0
    record = read_exact(src, stored)
    while True:
        following = read_exact(src, stored) if len(record) == stored else b""
        last = not following
        if len(record) < TAG or (last and index > 0 and len(record) == TAG):
            raise SealError("truncated", f"record {index} is too short")
        try:
            plain = aead.decrypt(record_nonce(index, last), record, header.preamble_sha256)
        except InvalidTag as exc:
            raise SealError("record_failed", f"record {index} does not authenticate") from exc
        dst.write(plain)
        plain_hash.update(plain)
        total += len(plain)
        if last:
            return total
        index, record = index + 1, following


def sealed_sha256(src: BinaryIO) -> str:
    """SHA-256 (hex, as sha256sum prints it) of everything left in `src`."""
    digest = hashlib.sha256()
    while chunk := src.read(HASH_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def records_length_valid(length: int, rs: int) -> bool:
    """Whether `length` bytes after the preamble can be records of rs + 16 bytes with a
    last one of 16 … rs + 16 (and a tag-only record only when it is the only one)."""
    stored = rs + TAG
    full, rest = divmod(length, stored)
    if rest == 0:
        return full >= 1
    return rest > TAG or (rest == TAG and full == 0)


def check_sealed(src: BinaryIO, *, tender: str, slot: str, key_fingerprint: str) -> Header:
    """What the server can check without the private key: a well-formed header for this
    tender, slot and tender key, and a record framing that adds up. Reads `src` to its
    end (seeks there when it can)."""
    header = read_header(src)
    if header.tender != tender:
        raise SealError("wrong_tender", f"sealed for tender {header.tender}")
    if header.slot != slot:
        raise SealError("wrong_slot", f"sealed for slot {header.slot}")
    if header.key != key_fingerprint:
        raise SealError("wrong_key", "sealed to another tender key")
    if not records_length_valid(_remaining_length(src), header.rs):
        raise SealError("truncated", "the records do not add up to a whole sealed file")
    return header


def _remaining_length(src: BinaryIO) -> int:
    if src.seekable():
        here = src.tell()
        return src.seek(0, io.SEEK_END) - here
    length = 0
    while chunk := src.read(HASH_CHUNK):
        length += len(chunk)
    return length
