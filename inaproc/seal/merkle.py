"""The Merkle tree of a transparency log, exactly as RFC 9162 (Certificate Transparency
version 2.0) §2.1 defines it: SHA-256, leaf hash = H(0x00 ‖ data), node hash =
H(0x01 ‖ left ‖ right), the hash of the empty tree = H(""), and a tree of n leaves split
at k, the largest power of two smaller than n.

- `root`, `inclusion_proof`, `consistency_proof` compute from the leaf hashes
  (§2.1.1, §2.1.3.1, §2.1.4.1);
- `verify_inclusion`, `verify_consistency` are the verification algorithms of §2.1.3.2
  and §2.1.4.2 (they never need the leaves);
- `Frontier` is the compact range of a log: the roots of its perfect subtrees, left to
  right, at most log2(n) + 1 hashes; appending a leaf and computing the root cost
  O(log n), so a log stores its frontier with its size and signs a tree head without
  reading its leaves.

Hashes are `bytes` (32 each) everywhere here; no Django, standard library only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """The hash of one entry's bytes: SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split(n: int) -> int:
    """k: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _mth(hashes: Sequence[bytes]) -> bytes:
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = split(n)
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH: the root hash of the tree of these leaf hashes."""
    return _mth(leaf_hashes)


# The proofs are lists of tree hashes of ranges [lo, hi) of leaves: the ranges follow
# RFC 9162's recursion here, once, for this module's reference proofs from the leaves
# and for the transparency log's, which hash the same ranges from cached subtrees.
Range = tuple[int, int]


def path_ranges(m: int, lo: int, hi: int) -> list[Range]:
    """The ranges of PATH(m, D[lo:hi]) (RFC 9162 §2.1.3.1), in the proof's order."""
    if hi - lo <= 1:
        return []
    k = split(hi - lo)
    if m < k:
        return [*path_ranges(m, lo, lo + k), (lo + k, hi)]
    return [*path_ranges(m - k, lo + k, hi), (lo, lo + k)]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]): the audit path of leaf `index` in the tree of the first
    `size` leaves. Raises ValueError unless 0 <= index < size <= len(leaf_hashes)."""
    if not 0 <= index < size <= len(leaf_hashes):
        raise ValueError("index must be below size, and size at most the number of leaves")
    return [_mth(leaf_hashes[lo:hi]) for lo, hi in path_ranges(index, 0, size)]


def subproof_ranges(m: int, lo: int, hi: int, complete: bool) -> list[Range]:
    """The ranges of SUBPROOF(m, D[lo:hi], b) (RFC 9162 §2.1.4.1), in the proof's order."""
    if m == hi - lo:
        return [] if complete else [(lo, hi)]
    k = split(hi - lo)
    if m <= k:
        return [*subproof_ranges(m, lo, lo + k, complete), (lo + k, hi)]
    return [*subproof_ranges(m - k, lo + k, hi, False), (lo, lo + k)]


def consistency_proof(leaf_hashes: Sequence[bytes], first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]): that the tree of `second` leaves extends the tree of
    the first `first` leaves. Empty when first is 0 or equals second. Raises ValueError
    unless 0 <= first <= second <= len(leaf_hashes)."""
    if not 0 <= first <= second <= len(leaf_hashes):
        raise ValueError("need 0 <= first <= second <= the number of leaves")
    if first in (0, second):
        return []
    return [_mth(leaf_hashes[lo:hi]) for lo, hi in subproof_ranges(first, 0, second, True)]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: whether `proof` shows leaf hash `leaf` at `index` in the tree
    of `size` leaves whose root is `expected_root`."""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether `proof` shows the tree of `second` leaves with root
    `second_root` extends the tree of `first` leaves with root `first_root`. Equal sizes
    need an empty proof and equal roots; the empty tree is extended by every tree."""
    if not 0 <= first <= second or any(len(p) != HASH_SIZE for p in proof):
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: its root is in the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class Frontier:
    """The compact range [0, size) of a log: the roots of its perfect subtrees from the
    largest (leftmost) to the smallest, one per bit set in `size`."""

    __slots__ = ("size", "hashes")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError("a frontier has one hash per bit set in its size")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash: merges the subtrees it completes (O(log n))."""
        carry, n = leaf, self.size
        while n & 1:
            carry = node_hash(self.hashes.pop(), carry)
            n >>= 1
        self.hashes.append(carry)
        self.size += 1

    def root(self) -> bytes:
        """The tree's root, MTH of every leaf appended (O(log n))."""
        if not self.hashes:
            return EMPTY_ROOT
        result = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            result = node_hash(left, result)
        return result

    def to_hex(self) -> list[str]:
        return [h.hex() for h in self.hashes]

    @classmethod
    def from_hex(cls, size: int, hashes: Sequence[str]) -> Frontier:
        return cls(size, [bytes.fromhex(h) for h in hashes])
