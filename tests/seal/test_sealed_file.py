"""The sealed file format: round trips at every record boundary, and every way of
damaging a sealed file is detected with its SealError code (docs/sealed-bids.md)."""

from __future__ import annotations

import hashlib
import io
import json
import struct

import pytest

from inaproc.seal.encoding import fingerprint, public_raw
from inaproc.seal.errors import SealError
from inaproc.seal.header import MAGIC, TAG
from inaproc.seal.sealed_file import (
    check_sealed,
    open_stream,
    read_header,
    records_length_valid,
    seal_stream,
    sealed_sha256,
)
from inaproc.seal.tender_keys import make_tender_key
from tests.seal.helpers import RS, SLOT, TENDER, content, sealed


def opened(blob: bytes, key, **expect) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = open_stream(io.BytesIO(blob), out, private_key=key, **expect)
    return out.getvalue(), result


def fails(blob: bytes, key, code: str, **expect) -> None:
    with pytest.raises(SealError) as info:
        opened(blob, key, **expect)
    assert info.value.code == code, info.value


@pytest.mark.parametrize("size", [0, 1, RS - 1, RS, RS + 1, 3 * RS])
def test_round_trip_at_record_boundaries(size):
    """Every size around the record size seals and opens to the same bytes, with the
    record count of the doc: max(1, ceil(size / rs)), a full last record included."""
    data = content(size)
    blob, key, result = sealed(data)
    header = result.header
    records = max(1, -(-size // RS))
    assert len(blob) == header.preamble_size + size + records * TAG
    assert result.sealed_size == len(blob)
    assert result.sha256 == hashlib.sha256(blob).hexdigest()
    plain, info = opened(blob, key, expect_tender=TENDER, expect_slot=SLOT)
    assert plain == data
    assert info.size == size
    assert info.name == "dokumen penawaran.pdf"
    assert info.content_type == "application/pdf"
    assert info.sha256_of_plaintext == hashlib.sha256(data).hexdigest()


def test_real_record_size_of_one_mebibyte():
    """The writers' default record size (1 MiB) round-trips a file of 2.5 MiB."""
    data = content((5 << 20) // 2)
    key, raw = make_tender_key()
    out = io.BytesIO()
    result = seal_stream(
        io.BytesIO(data),
        out,
        tender=TENDER,
        slot=SLOT,
        tender_public_raw=raw,
        name="a.bin",
        content_type="application/octet-stream",
        size=len(data),
    )
    assert result.header.rs == 1 << 20
    assert len(out.getvalue()) == result.header.preamble_size + len(data) + 3 * TAG
    assert opened(out.getvalue(), key)[0] == data


def test_header_is_canonical_ascii_json_with_the_documented_fields():
    """The header is the documented JSON object, no whitespace, and the fingerprint of
    the tender key; each seal has a fresh ephemeral key and data key."""
    blob, key, result = sealed(b"x")
    (hlen,) = struct.unpack(">I", blob[8:12])
    header = blob[12 : 12 + hlen]
    fields = json.loads(header)
    assert blob[:8] == MAGIC
    assert set(fields) == {"v", "tender", "slot", "key", "epk", "wk", "rs", "meta"}
    assert fields["v"] == 1 and fields["tender"] == TENDER and fields["slot"] == SLOT
    assert fields["key"] == fingerprint(public_raw(key))
    assert b" " not in header
    assert result.header.preamble_sha256 == hashlib.sha256(blob[: 12 + hlen]).digest()
    again, _, _ = sealed(b"x", key)
    assert json.loads(again[12 : 12 + hlen])["epk"] != fields["epk"]


def test_seal_refuses_a_source_of_another_size():
    """A source longer or shorter than the size stated is refused, not sealed wrongly."""
    _, raw = make_tender_key()
    for actual in (b"abc", b"abcde"):
        with pytest.raises(SealError) as info:
            seal_stream(
                io.BytesIO(actual),
                io.BytesIO(),
                tender=TENDER,
                slot=SLOT,
                tender_public_raw=raw,
                name="a",
                content_type="b",
                size=4,
                record_size=RS,
            )
        assert info.value.code == "size_mismatch"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tender": "12a"},
        {"slot": "Harga"},
        {"size": -1},
        {"record_size": 512},
        {"record_size": (16 << 20) + 1},
        {"tender_public_raw": b"\x04" + bytes(64)},
        {"name": "x" * 70000},
    ],
)
def test_seal_refuses_bad_arguments(kwargs):
    """Impossible arguments raise SealError, never another exception."""
    _, raw = make_tender_key()
    args = dict(
        tender=TENDER,
        slot=SLOT,
        tender_public_raw=raw,
        name="a",
        content_type="b",
        size=0,
        record_size=RS,
    )
    args.update(kwargs)
    with pytest.raises(SealError) as info:
        seal_stream(io.BytesIO(b""), io.BytesIO(), **args)
    assert info.value.code in {"bad_argument", "bad_key"}


def record_offset(result, index: int) -> int:
    return result.header.preamble_size + index * (RS + TAG)


def flip(blob: bytes, position: int) -> bytes:
    changed = bytearray(blob)
    changed[position] ^= 0x01
    return bytes(changed)


def test_flipping_any_byte_is_detected():
    """A bit flipped anywhere (magic, hlen, header, first, middle and last record, their
    tags) never opens: every position class gives a SealError with a fitting code."""
    blob, key, result = sealed(content(3 * RS - 100))
    preamble = result.header.preamble_size
    expected = {
        0: {"bad_magic"},
        7: {"bad_magic"},
        8: {"bad_header"},
        11: {"bad_header", "truncated"},
        12: {"bad_header"},
        preamble - 1: {"bad_header"},
        preamble: {"record_failed"},
        record_offset(result, 1) + 500: {"record_failed"},
        record_offset(result, 1) + RS + TAG - 1: {"record_failed"},
        record_offset(result, 2) + 3: {"record_failed"},
        len(blob) - 1: {"record_failed"},
    }
    for position, codes in expected.items():
        with pytest.raises(SealError) as info:
            opened(flip(blob, position), key)
        assert info.value.code in codes, (position, info.value)
    # Every byte of the header's JSON: a changed header never opens.
    for position in range(12, preamble):
        with pytest.raises(SealError):
            opened(flip(blob, position), key)


def test_changed_header_value_that_stays_valid_fails_the_records_or_the_key():
    """A header re-written with valid JSON (other rs, other meta) fails authentication."""
    blob, key, result = sealed(content(10))
    preamble = result.header.preamble_size
    header = json.loads(blob[12:preamble])
    for field, value in (("rs", 2048), ("slot", "file2"), ("tender", "999")):
        changed = dict(header, **{field: value})
        raw = json.dumps(changed, separators=(",", ":")).encode()
        forged = MAGIC + struct.pack(">I", len(raw)) + raw + blob[preamble:]
        with pytest.raises(SealError) as info:
            opened(forged, key)
        assert info.value.code in {"record_failed", "unwrap_failed", "meta_failed"}


@pytest.mark.parametrize("cut", ["boundary", "inside", "tag_only", "header", "no_records"])
def test_truncation_is_detected(cut):
    """A file cut at a record boundary (its new last record was not sealed as last),
    inside a record, just after a tag, inside the header or before any record fails."""
    blob, key, result = sealed(content(3 * RS))
    end = {
        "boundary": record_offset(result, 2),
        "inside": record_offset(result, 2) + 100,
        "tag_only": record_offset(result, 2) + TAG,
        "header": 40,
        "no_records": result.header.preamble_size,
    }[cut]
    with pytest.raises(SealError) as info:
        opened(blob[:end], key)
    assert info.value.code in {"record_failed", "truncated"}


def test_reordered_records_fail():
    """Two records swapped fail their nonces."""
    blob, key, result = sealed(content(3 * RS))
    first, second = record_offset(result, 0), record_offset(result, 1)
    size = RS + TAG
    swapped = (
        blob[:first]
        + blob[second : second + size]
        + blob[first : first + size]
        + blob[second + size :]
    )
    fails(swapped, key, "record_failed")


def test_appended_or_duplicated_record_fails():
    """A record appended after the last one (a copy of another) makes the real last
    record a middle one, which fails; so does a stray tag-sized tail."""
    blob, key, result = sealed(content(2 * RS))
    first = record_offset(result, 0)
    fails(blob + blob[first : first + RS + TAG], key, "record_failed")
    fails(blob + bytes(TAG), key, "record_failed")


def test_records_of_another_sealed_file_fail():
    """Records spliced from another seal of the same data, same key, do not open."""
    data = content(2 * RS)
    blob, key, result = sealed(data)
    other, _, _ = sealed(data, key)
    spliced = blob[: record_offset(result, 1)] + other[record_offset(result, 1) :]
    fails(spliced, key, "record_failed")


def test_expectations_and_wrong_key():
    """A file sealed for another tender or slot is refused when a tender or slot is
    expected; a file sealed to another key is refused with wrong_key."""
    blob, key, _ = sealed(b"bid")
    fails(blob, key, "wrong_tender", expect_tender="12345001")
    fails(blob, key, "wrong_slot", expect_slot="file2")
    other, _ = make_tender_key()
    fails(blob, other, "wrong_key")


def test_not_a_sealed_file():
    """Empty input, a PDF, or a bad header length are refused with their code."""
    key, _ = make_tender_key()
    fails(b"", key, "bad_magic")
    fails(b"%PDF-1.7\n" + bytes(100), key, "bad_magic")
    fails(MAGIC + b"\x00\x00", key, "truncated")
    fails(MAGIC + struct.pack(">I", 0), key, "bad_header")
    fails(MAGIC + struct.pack(">I", 65537) + b"{}", key, "bad_header")
    fails(MAGIC + struct.pack(">I", 10) + b"{}", key, "truncated")
    fails(MAGIC + struct.pack(">I", 2) + b"[]", key, "bad_header")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h: h.update(v=2),
        lambda h: h.update(v=True),
        lambda h: h.update(rs=1023),
        lambda h: h.update(rs=1024.0),
        lambda h: h.update(extra=1),
        lambda h: h.pop("meta"),
        lambda h: h.update(epk=h["epk"] + "=="),
        lambda h: h.update(epk="BAAA"),
        lambda h: h.update(wk=h["wk"][:-4]),
        lambda h: h.update(key=h["key"].upper()),
        lambda h: h.update(tender=12345000),
        lambda h: h.update(slot="a b"),
    ],
)
def test_malformed_headers_are_refused(mutate):
    """Every field is checked (types, ranges, lengths, points) before any crypto."""
    blob, _, result = sealed(b"x")
    header = json.loads(blob[12 : result.header.preamble_size])
    mutate(header)
    raw = json.dumps(header, separators=(",", ":")).encode()
    with pytest.raises(SealError) as info:
        read_header(io.BytesIO(MAGIC + struct.pack(">I", len(raw)) + raw))
    assert info.value.code == "bad_header"


def test_duplicate_keys_and_non_ascii_headers_are_refused():
    """A header with a key twice (two readers could see two values) or non-ASCII is bad."""
    for raw in (b'{"v":1,"v":1}', '{"v":"é"}'.encode()):
        with pytest.raises(SealError) as info:
            read_header(io.BytesIO(MAGIC + struct.pack(">I", len(raw)) + raw))
        assert info.value.code == "bad_header"


def test_check_sealed_accepts_a_good_file_and_refuses_others():
    """The server's key-less check: header for this tender/slot/key and framing that
    adds up; cut, extended or foreign files are refused."""
    blob, key, result = sealed(content(2 * RS + 5))
    fp = fingerprint(public_raw(key))
    ok = dict(tender=TENDER, slot=SLOT, key_fingerprint=fp)
    assert check_sealed(io.BytesIO(blob), **ok) == result.header
    for code, data, kwargs in [
        ("wrong_tender", blob, dict(ok, tender="1")),
        ("wrong_slot", blob, dict(ok, slot="file2")),
        ("wrong_key", blob, dict(ok, key_fingerprint="0" * 64)),
        ("truncated", blob[:-6], ok),
        ("truncated", blob[:-20], ok),
        ("truncated", blob[: result.header.preamble_size], ok),
        ("bad_magic", b"nope", ok),
    ]:
        with pytest.raises(SealError) as info:
            check_sealed(io.BytesIO(data), **kwargs)
        assert info.value.code == code


def test_record_framing_rule():
    """Lengths after the preamble: whole records, a last of 16..rs+16, and a tag-only
    record only as the single record of an empty file."""
    assert records_length_valid(TAG, RS)
    assert records_length_valid(RS + TAG, RS)
    assert records_length_valid(2 * (RS + TAG), RS)
    assert records_length_valid(RS + TAG + TAG + 1, RS)
    assert not records_length_valid(0, RS)
    assert not records_length_valid(15, RS)
    assert not records_length_valid(RS + TAG + TAG, RS)
    assert not records_length_valid(RS + TAG + 15, RS)


def test_sealed_sha256_is_sha256sum():
    """sealed_sha256 is the SHA-256 of the whole stream, as sha256sum prints it."""
    blob, _, result = sealed(content(3000))
    assert sealed_sha256(io.BytesIO(blob)) == hashlib.sha256(blob).hexdigest() == result.sha256


def test_opening_with_a_non_key_raises_seal_error():
    """A wrong type of key object is a SealError, not an AttributeError."""
    blob, _, _ = sealed(b"x")
    with pytest.raises(SealError):
        opened(blob, "not a key")
