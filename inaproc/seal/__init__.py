"""Sealed bids without Django: the file format, ECIES, Shamir shares, the Merkle log
mathematics and the offline tools (docs/sealed-bids.md). Nothing here imports Django,
so a vendor can run `python -m inaproc.seal` with only `cryptography` installed."""
