"""Write tests/seal/vectors/format-v1.json: fixed vectors of every format in
docs/sealed-bids.md, made by the Python side once, for the JavaScript side to open and
for test_vectors.py to keep opening (a change of format shows up as a failing test).

    .venv/bin/python -m tests.seal.make_vectors   # only when the format changes

Bytes are base64url without padding; "plaintext" of sealed files is given in full."""

from __future__ import annotations

import io
import json
from pathlib import Path

from inaproc.seal import ecies, opening_key, shamir
from inaproc.seal.bid_letter import make_bid_letter
from inaproc.seal.encoding import b64u_encode, public_raw, scalar_of
from inaproc.seal.sealed_file import seal_stream
from inaproc.seal.tender_keys import make_tender_key, share_context, split_tender_key, wrap_share

PATH = Path(__file__).parent / "vectors" / "format-v1.json"
TENDER = "12345000"
PASSPHRASE = "kunci café Pokja"  # NFC; the JS side should also try its NFD form


def plaintext(size: int) -> bytes:
    return bytes((i * 7 + 3) % 256 for i in range(size))


def sealed_vectors(key) -> list[dict]:
    vectors = []
    for size, slot in ((0, "penawaran"), (1, "kualifikasi"), (1024, "file1"), (2500, "file2")):
        out = io.BytesIO()
        data = plaintext(size)
        seal_stream(
            io.BytesIO(data),
            out,
            tender=TENDER,
            slot=slot,
            tender_public_raw=public_raw(key),
            name=f"berkas-{size}.pdf",
            content_type="application/pdf",
            size=size,
            record_size=1024,
        )
        vectors.append(
            {
                "slot": slot,
                "rs": 1024,
                "name": f"berkas-{size}.pdf",
                "type": "application/pdf",
                "plaintext": b64u_encode(data),
                "sealed": b64u_encode(out.getvalue()),
            }
        )
    letter = make_bid_letter(TENDER, 1_250_000_000, 60)
    out = io.BytesIO()
    seal_stream(
        io.BytesIO(letter),
        out,
        tender=TENDER,
        slot="surat_penawaran",
        tender_public_raw=public_raw(key),
        name="surat-penawaran.json",
        content_type="application/json",
        size=len(letter),
    )
    vectors.append(
        {
            "slot": "surat_penawaran",
            "rs": 1 << 20,
            "name": "surat-penawaran.json",
            "type": "application/json",
            "plaintext": b64u_encode(letter),
            "sealed": b64u_encode(out.getvalue()),
        }
    )
    return vectors


def main() -> None:
    tender_key, tender_raw = make_tender_key()
    file_data, member = opening_key.make_opening_key_file(
        PASSPHRASE, portal="lpse-a", username="pokja1"
    )
    others = [make_tender_key()[0] for _ in range(2)]
    members = [member, *others]
    shares = split_tender_key(tender_key, 3, 2)
    wrapped = []
    for m, share in zip(members, shares, strict=True):
        epk, ct = wrap_share(public_raw(m), share, tender=TENDER, envelope=1)
        wrapped.append(
            {
                "member_d": b64u_encode(scalar_of(m)),
                "member_public": b64u_encode(public_raw(m)),
                "context": share_context(public_raw(m), tender=TENDER, envelope=1).decode(),
                "epk": b64u_encode(epk),
                "ciphertext": b64u_encode(ct),
                "share": b64u_encode(share),
            }
        )
    secret = bytes(range(32))
    ecies_epk, ecies_ct = ecies.wrap(tender_raw, b"data key " * 3, b"inaproc-seal-v1|1|penawaran")
    vectors = {
        "format": "inaproc-seal-vectors-1",
        "tender": TENDER,
        "tender_d": b64u_encode(scalar_of(tender_key)),
        "tender_public": b64u_encode(tender_raw),
        "ecies": {
            "context": "inaproc-seal-v1|1|penawaran",
            "plaintext": b64u_encode(b"data key " * 3),
            "epk": b64u_encode(ecies_epk),
            "ciphertext": b64u_encode(ecies_ct),
        },
        "sealed_files": sealed_vectors(tender_key),
        "shamir": {
            "hand": {"secret": "Vw", "shares": ["1AE", "SgI", "yQM"]},
            "secret": b64u_encode(secret),
            "2_of_3": [b64u_encode(s) for s in shamir.split(secret, 3, 2)],
            "3_of_5": [b64u_encode(s) for s in shamir.split(secret, 5, 3)],
        },
        "tender_shares_2_of_3": wrapped,
        "opening_key": {
            "passphrase": PASSPHRASE,
            "file": file_data,
            "d": b64u_encode(scalar_of(member)),
        },
        "bid_letter": b64u_encode(make_bid_letter(TENDER, 1_250_000_000, 60)),
    }
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
