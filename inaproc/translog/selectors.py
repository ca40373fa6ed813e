"""Reads of the transparency log. Proofs are computed from the leaf hashes stored with
the entries and the cached hashes of complete subtrees (LogNode): O(log n) reads each;
they are answered for signed tree sizes only."""

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db.models import Q

from inaproc.portals.models import Portal
from inaproc.seal import merkle
from inaproc.translog.models import LogEntry, LogNode, LogState, SigningKey, TreeHead

logger = logging.getLogger(__name__)

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


# A proof's hash is the Merkle tree hash of a range [lo, hi) of leaves.
Range = merkle.Range


def _perfect_parts(lo: int, hi: int) -> list[tuple[int, int]]:
    """The perfect subtrees (level, first leaf) whose hashes make MTH(D[lo:hi]), left to
    right: one per bit of hi - lo, largest first, as RFC 9162 splits. Every range of a
    proof starts at a multiple of a power of two at least its length, so each part is
    aligned (its first leaf a multiple of its width): a node of the tree of any size."""
    parts, start = [], lo
    for level in range((hi - lo).bit_length() - 1, -1, -1):
        if (hi - lo) >> level & 1:
            parts.append((level, start))
            start += 1 << level
    return parts


class _TreeReader:
    """MTHs of ranges of one portal's log below a size, from the cached nodes
    (LogNode) of the levels at or above `cache_level` and the leaves below them. Reads
    in a few queries whatever the size: the needed nodes, then (cold) the cached nodes
    under the missing ones, then the leaves; missing nodes are computed from their
    children and stored."""

    def __init__(self, portal: Portal, cache_level: int) -> None:
        self.portal = portal
        self.cache_level = cache_level
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.leaves: dict[int, bytes] = {}
        self.small: dict[Range, bytes] = {}
        self.malformed = False

    def _read_nodes(self, condition: Q) -> None:
        rows = LogNode.objects.filter(condition, portal=self.portal).values_list(
            "level", "index", "hash"
        )
        for level, index, value in rows:
            value = bytes(value)
            if len(value) == merkle.HASH_SIZE:
                self.nodes[level, index] = value
            else:
                self.malformed = True

    def load(self, ranges: list[Range]) -> None:
        """Read (and compute and cache) everything the MTHs of `ranges` need."""
        wanted: set[tuple[int, int]] = set()
        leaf_spans: list[Range] = []
        for lo, hi in ranges:
            for level, start in _perfect_parts(lo, hi):
                if level >= self.cache_level:
                    wanted.add((level, start >> level))
                else:
                    leaf_spans.append((start, start + (1 << level)))
        if wanted:
            self._read_nodes(_positions(wanted))
        missing = sorted(wanted - self.nodes.keys())
        if missing:
            below = Q()
            for level, index in missing:
                for lower in range(self.cache_level, level):
                    width = level - lower
                    below |= Q(
                        level=lower,
                        index__gte=index << width,
                        index__lt=(index + 1) << width,
                    )
            if below:
                self._read_nodes(below)
            for level, index in missing:
                self._leaf_spans_under(level, index, leaf_spans)
        self._read_leaves(leaf_spans)
        if missing:
            computed: dict[tuple[int, int], bytes] = {}
            for level, index in missing:
                self._compute(level, index, computed)
            LogNode.objects.bulk_create(
                [
                    LogNode(portal=self.portal, level=level, index=index, hash=value)
                    for (level, index), value in computed.items()
                ],
                ignore_conflicts=True,  # another reader may store the same node
            )

    def _leaf_spans_under(self, level: int, index: int, spans: list[Range]) -> None:
        if (level, index) in self.nodes:
            return
        if level == self.cache_level:
            spans.append((index << level, (index + 1) << level))
            return
        self._leaf_spans_under(level - 1, 2 * index, spans)
        self._leaf_spans_under(level - 1, 2 * index + 1, spans)

    def _compute(self, level: int, index: int, computed: dict[tuple[int, int], bytes]) -> bytes:
        value = self.nodes.get((level, index))
        if value is None:
            if level == self.cache_level:
                value = self._from_leaves(index << level, (index + 1) << level)
            else:
                value = merkle.node_hash(
                    self._compute(level - 1, 2 * index, computed),
                    self._compute(level - 1, 2 * index + 1, computed),
                )
            self.nodes[level, index] = computed[level, index] = value
        return value

    def _read_leaves(self, spans: list[Range]) -> None:
        spans = _merged(spans)
        if not spans:
            return
        condition = Q()
        for lo, hi in spans:
            condition |= Q(index__gte=lo, index__lt=hi)
        # No ordering: the model's ("portal", "index") would join the portals.
        rows = (
            LogEntry.objects.filter(condition, portal=self.portal)
            .order_by()
            .values_list("index", "leaf_hash")
        )
        self.leaves.update((index, bytes.fromhex(value)) for index, value in rows)
        if sum(hi - lo for lo, hi in spans) != len(self.leaves):
            raise ValueError("the log is missing entries below its size")

    def _from_leaves(self, lo: int, hi: int) -> bytes:
        # The root check asks again for the small subtrees of the proof: hashed once.
        value = self.small.get((lo, hi))
        if value is None:
            value = self.small[lo, hi] = merkle.root([self.leaves[i] for i in range(lo, hi)])
        return value

    def mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) from what `load` read."""
        hashes = [
            self.nodes[level, start >> level]
            if level >= self.cache_level
            else self._from_leaves(start, start + (1 << level))
            for level, start in _perfect_parts(lo, hi)
        ]
        result = hashes[-1]
        for left in reversed(hashes[:-1]):
            result = merkle.node_hash(left, result)
        return result


def _positions(wanted: set[tuple[int, int]]) -> Q:
    by_level: dict[int, list[int]] = {}
    for level, index in wanted:
        by_level.setdefault(level, []).append(index)
    condition = Q()
    for level, indexes in sorted(by_level.items()):
        condition |= Q(level=level, index__in=sorted(indexes))
    return condition


def _merged(spans: list[Range]) -> list[Range]:
    merged: list[list[int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def _root_through(
    lo: int, hi: int, blocks: list[Range], hash_of: Callable[[int, int], bytes]
) -> bytes:
    """MTH(D[lo:hi]) computed so that every range of `blocks` (perfect, aligned: nodes
    of the tree) is one of its inputs: the RFC 9162 split is followed down to them, and
    every other part is taken whole from `hash_of`."""
    if hi - lo > 1 and any(lo <= a and b <= hi and (a, b) != (lo, hi) for a, b in blocks):
        k = merkle.split(hi - lo)
        return merkle.node_hash(
            _root_through(lo, lo + k, blocks, hash_of), _root_through(lo + k, hi, blocks, hash_of)
        )
    return hash_of(lo, hi)


def _trusted_root(portal: Portal, state: LogState, size: int) -> tuple[int, bytes]:
    """A size at least `size` and the root the log vouches for at it: `size` itself when
    it is the current size (the frontier's root) or a signed head's, else the current."""
    if size != state.size:
        signed = (
            TreeHead.objects.filter(portal=portal, tree_size=size)
            .values_list("root_hash", flat=True)
            .first()
        )
        if signed is not None:
            return size, bytes.fromhex(signed)
    return state.size, merkle.Frontier.from_hex(state.size, state.frontier).root()


def _proof(portal: Portal, size: int, ranges: list[Range]) -> list[str]:
    """The hashes of `ranges` (of the tree of `size` entries) through the node cache.
    The cached nodes they use are checked against a root the log vouches for (a signed
    head of `size`, else the current root from the frontier): that root is recomputed
    with those nodes as inputs (O(log n) more nodes and leaves, read in the same
    queries). A cached node that disagrees (corrupted) empties the portal's cache, and
    the hashes are computed again from the leaves (which refills it): a proof never
    rests on a node the root does not vouch for."""
    state = LogState.objects.filter(portal=portal).first()
    if size > (state.size if state is not None else 0):
        raise ValueError("the log is not that large")
    if state is None or not ranges:
        return []
    cache_level = settings.TRANSLOG_NODE_CACHE_LEVEL
    blocks = [
        (start, start + (1 << level))
        for lo, hi in ranges
        for level, start in _perfect_parts(lo, hi)
        if level >= cache_level
    ]
    reader = _TreeReader(portal, cache_level)
    if not blocks:  # from the leaves alone
        reader.load(ranges)
        return [reader.mth(lo, hi).hex() for lo, hi in ranges]
    checked_size, root = _trusted_root(portal, state, size)
    others: list[Range] = []

    def collect(lo: int, hi: int) -> bytes:
        others.append((lo, hi))
        return merkle.EMPTY_ROOT

    _root_through(0, checked_size, blocks, collect)
    reader.load(ranges + others)
    hashes = [reader.mth(lo, hi) for lo, hi in ranges]
    if reader.malformed or _root_through(0, checked_size, blocks, reader.mth) != root:
        logger.error("translog: portal %s: cached nodes disagree with its root", portal.slug)
        LogNode.objects.filter(portal=portal).delete()
        reader = _TreeReader(portal, cache_level)
        reader.load(ranges)
        hashes = [reader.mth(lo, hi) for lo, hi in ranges]
    return [h.hex() for h in hashes]


def inclusion_proof(*, portal: Portal, index: int, tree_size: int) -> list[str]:
    """The audit path (hex) of entry `index` in the tree of `tree_size` entries; raises
    ValueError unless 0 <= index < tree_size <= the log's size."""
    if not 0 <= index < tree_size:
        raise ValueError("index must be below the tree size")
    return _proof(portal, tree_size, merkle.path_ranges(index, 0, tree_size))


def consistency_proof(*, portal: Portal, first: int, second: int) -> list[str]:
    """The consistency proof (hex) from the tree of `first` to that of `second` entries;
    raises ValueError unless 0 <= first <= second <= the log's size."""
    if not 0 <= first <= second:
        raise ValueError("need 0 <= first <= second")
    ranges = [] if first in (0, second) else merkle.subproof_ranges(first, 0, second, True)
    return _proof(portal, second, ranges)


def node_cache_warm(*, portal: Portal, size: int) -> None:
    """Store the cached nodes of the tree of `size` entries that are still missing, by
    taking the audit path of its last entry (the path and the root check read every
    complete subtree on the left edge): run after each signed head, so that the first
    proofs after a migration, a restore or a burst of entries find their nodes, instead
    of each computing them from the leaves (docs/sealed-bids.md)."""
    if size > 0:
        inclusion_proof(portal=portal, index=size - 1, tree_size=size)


def signing_keys(*, portal: Portal) -> list[SigningKey]:
    """All of the portal's keys, retired ones included, oldest first."""
    return list(SigningKey.objects.filter(portal=portal).order_by("created_at", "id"))


def key_validity(keys: list[SigningKey]) -> list[tuple[SigningKey, datetime, datetime | None]]:
    """Each key with the moment it began and ended signing (None: still current)."""
    return [(key, key.created_at, key.retired_at) for key in keys]
