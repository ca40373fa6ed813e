"""Logs of many entries written fast (the proofs' tests and benchmarks/translog_proofs):
LogEntry rows with real leaf hashes of unsigned bodies, and the LogState frontier that
matches them, as `append_entry` would leave it; no signature, no hook. And tree heads of
their roots, unsigned."""

import json

from inaproc.portals.models import Portal
from inaproc.seal import merkle
from inaproc.translog.models import LogEntry, LogState, TreeHead

BATCH = 5000


def grow_log(portal: Portal, size: int, *, tag: str = "") -> list[bytes]:
    """Extend `portal`'s log to `size` entries; the leaf hashes of all of them."""
    state, _ = LogState.objects.get_or_create(portal=portal)
    frontier = merkle.Frontier.from_hex(state.size, state.frontier)
    while frontier.size < size:
        batch = []
        for index in range(frontier.size, min(size, frontier.size + BATCH)):
            body = json.dumps({"log_index": index, "portal": portal.slug, "tag": tag})
            leaf = merkle.leaf_hash(body.encode("ascii"))
            frontier.append(leaf)
            batch.append(
                LogEntry(
                    portal=portal,
                    index=index,
                    kind="synthetic",
                    body=body,
                    leaf_hash=leaf.hex(),
                    signature="",
                    key_id="",
                )
            )
        LogEntry.objects.bulk_create(batch)
    state.size, state.frontier = frontier.size, frontier.to_hex()
    state.save(update_fields=["size", "frontier"])
    return [
        bytes.fromhex(h)
        for h in LogEntry.objects.filter(portal=portal)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    ]


def unsigned_head(portal: Portal, leaves: list[bytes], size: int) -> TreeHead:
    """A tree head of the first `size` of `leaves`, its root right, its signature empty
    (what the proofs check their cached nodes against)."""
    return TreeHead.objects.create(
        portal=portal,
        tree_size=size,
        root_hash=merkle.root(leaves[:size]).hex(),
        timestamp="2026-12-08T00:00:00Z",
        body="{}",
        signature="",
        key_id="",
    )
