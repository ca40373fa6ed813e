"""Reads of the transparency log. Proofs are computed from the leaf hashes stored with
the entries (read in index order); they are answered for signed tree sizes only."""

from datetime import datetime

from inaproc.portals.models import Portal
from inaproc.seal import merkle
from inaproc.translog.models import LogEntry, LogState, SigningKey, TreeHead

ENTRIES_PAGE_MAX = 100


def log_size(*, portal: Portal) -> int:
    state = LogState.objects.filter(portal=portal).first()
    return state.size if state is not None else 0


def tree_head_latest(*, portal: Portal) -> TreeHead | None:
    return TreeHead.objects.filter(portal=portal).first()


def tree_head_of_size(*, portal: Portal, tree_size: int) -> TreeHead | None:
    """The newest head signed of exactly `tree_size` entries."""
    return TreeHead.objects.filter(portal=portal, tree_size=tree_size).first()


def entries_page(*, portal: Portal, start: int, end: int) -> list[LogEntry]:
    """Entries start … end (both included), at most ENTRIES_PAGE_MAX of them."""
    end = min(end, start + ENTRIES_PAGE_MAX - 1)
    return list(LogEntry.objects.filter(portal=portal, index__gte=start, index__lte=end))


def entry_at(*, portal: Portal, index: int) -> LogEntry | None:
    return LogEntry.objects.filter(portal=portal, index=index).first()


def _leaf_hashes(portal: Portal, size: int) -> list[bytes]:
    hexes = (
        LogEntry.objects.filter(portal=portal, index__lt=size)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    )
    return [bytes.fromhex(value) for value in hexes]


def inclusion_proof(*, portal: Portal, index: int, tree_size: int) -> list[str]:
    """The audit path (hex) of entry `index` in the tree of `tree_size` entries; raises
    ValueError unless 0 <= index < tree_size <= the log's size."""
    return [
        h.hex() for h in merkle.inclusion_proof(_leaf_hashes(portal, tree_size), index, tree_size)
    ]


def consistency_proof(*, portal: Portal, first: int, second: int) -> list[str]:
    """The consistency proof (hex) from the tree of `first` to that of `second` entries;
    raises ValueError unless 0 <= first <= second <= the log's size."""
    return [h.hex() for h in merkle.consistency_proof(_leaf_hashes(portal, second), first, second)]


def signing_keys(*, portal: Portal) -> list[SigningKey]:
    """All of the portal's keys, retired ones included, oldest first."""
    return list(SigningKey.objects.filter(portal=portal).order_by("created_at", "id"))


def key_validity(keys: list[SigningKey]) -> list[tuple[SigningKey, datetime, datetime | None]]:
    """Each key with the moment it began and ended signing (None: still current)."""
    return [(key, key.created_at, key.retired_at) for key in keys]
