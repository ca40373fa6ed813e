"""The preamble of a sealed file (magic ‖ hlen ‖ header JSON): building and strict
reading. `inaproc.seal.sealed_file` re-exports `Header` and `read_header`."""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from typing import BinaryIO

from inaproc.seal.encoding import (
    b64u_decode,
    b64u_encode,
    canonical_json,
    is_int,
    load_public_raw,
    strict_json_object,
)
from inaproc.seal.errors import SealError

MAGIC = b"INPSEAL1"
VERSION = 1
MAX_HEADER = 65536
MIN_RECORD = 1024
MAX_RECORD = 16 * 1024 * 1024
DEFAULT_RECORD = 1 << 20
TAG = 16
WRAPPED_KEY_SIZE = 32 + TAG
FIELDS = frozenset({"v", "tender", "slot", "key", "epk", "wk", "rs", "meta"})
TENDER_RE = re.compile(r"[0-9]{1,32}")
SLOT_RE = re.compile(r"[a-z0-9_]{1,32}")
FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Header:
    """A sealed file's header as read (or written). `epk` and `wk` are the decoded
    bytes; `preamble_sha256` is the raw 32-byte SHA-256 of magic ‖ hlen ‖ header (the
    associated data of every record); `preamble_size` is 12 + hlen."""

    v: int
    tender: str
    slot: str
    key: str
    epk: bytes
    wk: bytes
    rs: int
    meta_b64: str
    preamble_sha256: bytes
    preamble_size: int


def check_tender_code(tender: str) -> str:
    if not isinstance(tender, str) or not TENDER_RE.fullmatch(tender):
        raise SealError("bad_argument", "a tender code is a string of 1 to 32 digits")
    return tender


def check_slot_code(slot: str) -> str:
    if not isinstance(slot, str) or not SLOT_RE.fullmatch(slot):
        raise SealError("bad_argument", "a slot code is 1 to 32 of a-z, 0-9 and _")
    return slot


def build_preamble(
    *, tender: str, slot: str, key: str, epk: bytes, wk: bytes, rs: int, meta: bytes
) -> tuple[bytes, Header]:
    """The bytes magic ‖ hlen ‖ header and the Header they parse to."""
    fields = {
        "v": VERSION,
        "tender": tender,
        "slot": slot,
        "key": key,
        "epk": b64u_encode(epk),
        "wk": b64u_encode(wk),
        "rs": rs,
        "meta": b64u_encode(meta),
    }
    header = canonical_json(fields)
    if len(header) > MAX_HEADER:
        raise SealError("bad_argument", "the file name or type is too long for the header")
    preamble = MAGIC + struct.pack(">I", len(header)) + header
    return preamble, parse_header(header, preamble)


def read_exact(src: BinaryIO, n: int) -> bytes:
    """Read exactly n bytes unless the stream ends first (then fewer)."""
    parts: list[bytes] = []
    remaining = n
    while remaining > 0:
        chunk = src.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def read_header(src: BinaryIO) -> Header:
    """Read and validate the preamble of a sealed file, leaving `src` at the first
    record. Raises SealError bad_magic, truncated or bad_header."""
    magic = read_exact(src, len(MAGIC))
    if magic != MAGIC:
        raise SealError("bad_magic", "not an Inaproc sealed file (INPSEAL1)")
    length_bytes = read_exact(src, 4)
    if len(length_bytes) != 4:
        raise SealError("truncated", "the file ends inside the header length")
    (hlen,) = struct.unpack(">I", length_bytes)
    if not 1 <= hlen <= MAX_HEADER:
        raise SealError("bad_header", "the header length is out of range")
    header = read_exact(src, hlen)
    if len(header) != hlen:
        raise SealError("truncated", "the file ends inside the header")
    return parse_header(header, magic + length_bytes + header)


def parse_header(header: bytes, preamble: bytes) -> Header:
    """Validate the header JSON (bytes as they are, never re-serialised)."""
    if any(byte > 0x7F for byte in header):
        raise SealError("bad_header", "the header is not ASCII")
    fields = strict_json_object(header, "bad_header", "the header")
    if set(fields) != FIELDS:
        raise SealError("bad_header", "the header fields are not those of version 1")
    if not is_int(fields["v"]) or fields["v"] != VERSION:
        raise SealError("bad_header", "unsupported sealed file version")
    for name, pattern in (("tender", TENDER_RE), ("slot", SLOT_RE), ("key", FINGERPRINT_RE)):
        if not isinstance(fields[name], str) or not pattern.fullmatch(fields[name]):
            raise SealError("bad_header", f"the header field {name!r} is malformed")
    rs = fields["rs"]
    if not is_int(rs) or not MIN_RECORD <= rs <= MAX_RECORD:
        raise SealError("bad_header", "the record size is out of range")
    epk, wk, meta = (_b64_field(fields, name) for name in ("epk", "wk", "meta"))
    try:
        load_public_raw(epk)
    except SealError as exc:
        raise SealError("bad_header", "the header's ephemeral key is not a P-256 point") from exc
    if len(wk) != WRAPPED_KEY_SIZE or len(meta) < TAG:
        raise SealError("bad_header", "the wrapped key or meta block has a wrong length")
    return Header(
        v=VERSION,
        tender=fields["tender"],
        slot=fields["slot"],
        key=fields["key"],
        epk=epk,
        wk=wk,
        rs=rs,
        meta_b64=fields["meta"],
        preamble_sha256=hashlib.sha256(preamble).digest(),
        preamble_size=len(preamble),
    )


def _b64_field(fields: dict, name: str) -> bytes:
    try:
        return b64u_decode(fields[name])
    except SealError as exc:
        raise SealError("bad_header", f"the header field {name!r} is not base64url") from exc
