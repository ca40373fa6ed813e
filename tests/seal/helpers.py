"""Small builders shared by the sealing tests."""

from __future__ import annotations

import io

from cryptography.hazmat.primitives.asymmetric import ec

from inaproc.seal.encoding import public_raw
from inaproc.seal.sealed_file import SealResult, seal_stream
from inaproc.seal.tender_keys import make_tender_key

TENDER = "12345000"
SLOT = "penawaran"
RS = 1024


def content(size: int) -> bytes:
    """Deterministic bytes that differ from record to record."""
    return bytes((i * 31 + i // 251) % 256 for i in range(size))


def sealed(
    data: bytes,
    key: ec.EllipticCurvePrivateKey | None = None,
    *,
    tender: str = TENDER,
    slot: str = SLOT,
    rs: int = RS,
) -> tuple[bytes, ec.EllipticCurvePrivateKey, SealResult]:
    """Seal `data` (to a fresh tender key unless given): (sealed bytes, key, result)."""
    if key is None:
        key, _ = make_tender_key()
    out = io.BytesIO()
    result = seal_stream(
        io.BytesIO(data),
        out,
        tender=tender,
        slot=slot,
        tender_public_raw=public_raw(key),
        name="dokumen penawaran.pdf",
        content_type="application/pdf",
        size=len(data),
        record_size=rs,
    )
    return out.getvalue(), key, result
