"""Sealing and opening stream: a 20 MB file passes through with a memory peak of a few
records, not the file's size (tracemalloc counts Python allocations, where the
records' bytes live)."""

from __future__ import annotations

import tracemalloc

from inaproc.seal.sealed_file import open_stream, seal_stream
from inaproc.seal.tender_keys import make_tender_key

SIZE = 20 * 1000 * 1000
LIMIT = 8 << 20  # a few 1 MiB records (each one read, encrypted and written)


def test_sealing_and_opening_20_mb_stream(tmp_path):
    """Peak traced memory stays under 8 MiB while sealing and opening 20 MB."""
    source = tmp_path / "big.bin"
    with source.open("wb") as f:
        for i in range(20):
            f.write(bytes([i]) * (SIZE // 20))
    key, raw = make_tender_key()
    tracemalloc.start()
    try:
        with source.open("rb") as src, (tmp_path / "big.inpseal").open("wb") as dst:
            seal_stream(
                src,
                dst,
                tender="1",
                slot="penawaran",
                tender_public_raw=raw,
                name="big.bin",
                content_type="application/octet-stream",
                size=SIZE,
            )
        _, seal_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with (tmp_path / "big.inpseal").open("rb") as src, (tmp_path / "out").open("wb") as dst:
            result = open_stream(src, dst, private_key=key)
        _, open_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.size == SIZE
    assert (tmp_path / "out").stat().st_size == SIZE
    assert seal_peak < LIMIT, seal_peak
    assert open_peak < LIMIT, open_peak
