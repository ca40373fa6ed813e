"""The log's Merkle tree against RFC 9162 §2.1: published reference roots, every proof of
every tree size up to 70 verified, and every kind of tampering refused."""

import hashlib
import itertools

import pytest

from inaproc.seal import merkle

MAX_SIZE = 70
LEAVES = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(MAX_SIZE + 1)]

# The Certificate Transparency reference tree (RFC 6962 test inputs and their roots).
REFERENCE_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                    "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
REFERENCE_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def naive_root(hashes):
    """MTH written out from the RFC's definition, independently of the module."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_root(hashes[:k]) + naive_root(hashes[k:])).digest()


def test_hashing_prefixes_and_the_empty_tree():
    """Leaves hash with 0x00, nodes with 0x01, the empty tree is SHA-256 of nothing."""
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert merkle.root([]) == hashlib.sha256(b"").digest()
    assert merkle.Frontier().root() == hashlib.sha256(b"").digest()


def test_reference_roots_of_certificate_transparency():
    """Our roots equal the published RFC 6962 reference roots for sizes 1..8."""
    hashes = [merkle.leaf_hash(bytes.fromhex(data)) for data in REFERENCE_INPUTS]
    for size in range(1, 9):
        assert merkle.root(hashes[:size]).hex() == REFERENCE_ROOTS[size - 1]


def test_frontier_root_equals_the_tree_root_at_every_size():
    """Appending to the frontier gives MTH after every leaf, and it survives a hex
    round trip (as stored with the log state)."""
    frontier = merkle.Frontier()
    for size in range(1, MAX_SIZE + 1):
        frontier.append(LEAVES[size - 1])
        frontier = merkle.Frontier.from_hex(frontier.size, frontier.to_hex())
        assert frontier.root() == merkle.root(LEAVES[:size]) == naive_root(LEAVES[:size])
        assert len(frontier.hashes) == size.bit_count()


def test_a_frontier_with_the_wrong_number_of_hashes_is_refused():
    """A stored frontier must have one hash per bit of its size."""
    with pytest.raises(ValueError):
        merkle.Frontier(3, [LEAVES[0]])


def test_every_inclusion_proof_of_every_size_verifies():
    """For every size 1..70 and every index, the proof verifies against the root."""
    for size in range(1, MAX_SIZE + 1):
        tree_root = merkle.root(LEAVES[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(LEAVES, index, size)
            assert merkle.verify_inclusion(LEAVES[index], index, size, proof, tree_root)


def test_inclusion_fails_for_a_changed_entry_wrong_index_or_other_tree():
    """A changed leaf, another index, another size, another root, or a proof cut short,
    lengthened or reordered never verifies."""
    for size in range(1, MAX_SIZE + 1, 3):
        tree_root = merkle.root(LEAVES[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(LEAVES, index, size)
            leaf = LEAVES[index]
            assert not merkle.verify_inclusion(
                merkle.leaf_hash(b"x"), index, size, proof, tree_root
            )
            assert not merkle.verify_inclusion(leaf, size, size, proof, tree_root)
            if size > 1:
                other = (index + 1) % size
                assert not merkle.verify_inclusion(leaf, other, size, proof, tree_root)
                bigger_root = merkle.root(LEAVES[: size + 1])
                assert not merkle.verify_inclusion(leaf, index, size + 1, proof, bigger_root)
                assert not merkle.verify_inclusion(leaf, index, size, proof[:-1], tree_root)
                assert not merkle.verify_inclusion(
                    leaf, index, size, [*proof, LEAVES[0]], tree_root
                )
            if len(proof) > 1 and proof[0] != proof[1]:
                swapped = [proof[1], proof[0], *proof[2:]]
                assert not merkle.verify_inclusion(leaf, index, size, swapped, tree_root)
            other_root = merkle.root([*LEAVES[: size - 1], merkle.leaf_hash(b"changed")])
            assert not merkle.verify_inclusion(leaf, index, size, proof, other_root)


def test_a_removed_or_reordered_entry_changes_the_root():
    """Removing or swapping entries gives another root, so old proofs fail."""
    size = 20
    tree_root = merkle.root(LEAVES[:size])
    removed = LEAVES[:5] + LEAVES[6:size]
    reordered = [*LEAVES[:size]]
    reordered[3], reordered[4] = reordered[4], reordered[3]
    for index in range(size - 1):
        proof = merkle.inclusion_proof(removed, index, size - 1)
        if index >= 5:
            assert not merkle.verify_inclusion(removed[index], index, size - 1, proof, tree_root)
    assert merkle.root(reordered) != tree_root
    proof = merkle.inclusion_proof(reordered, 3, size)
    assert not merkle.verify_inclusion(reordered[3], 3, size, proof, tree_root)


def test_every_consistency_proof_of_every_pair_verifies():
    """For every 0 <= first <= second <= 70 the proof verifies between the two roots."""
    roots = [merkle.root(LEAVES[:n]) for n in range(MAX_SIZE + 1)]
    for first, second in itertools.combinations_with_replacement(range(MAX_SIZE + 1), 2):
        proof = merkle.consistency_proof(LEAVES, first, second)
        assert merkle.verify_consistency(first, second, roots[first], roots[second], proof), (
            first,
            second,
        )


def test_a_rewritten_older_head_fails_consistency():
    """If the log rewrote an entry below the older head, no proof links the heads; and
    proofs fail for swapped sizes, changed hashes and truncated paths."""
    roots = [merkle.root(LEAVES[:n]) for n in range(MAX_SIZE + 1)]
    for first in range(1, 40):
        for second in range(first + 1, 41):
            proof = merkle.consistency_proof(LEAVES, first, second)
            rewritten = [*LEAVES[:second]]
            rewritten[first - 1] = merkle.leaf_hash(b"rewritten")
            forged_root = merkle.root(rewritten)
            assert not merkle.verify_consistency(first, second, roots[first], forged_root, proof)
            forged_proof = merkle.consistency_proof(rewritten, first, second)
            assert not merkle.verify_consistency(
                first, second, roots[first], forged_root, forged_proof
            )
            assert not merkle.verify_consistency(
                first, second, roots[first - 1], roots[second], proof
            )
            assert not merkle.verify_consistency(
                first, second + 1, roots[first], roots[second + 1], proof
            )
            assert not merkle.verify_consistency(
                first, second, roots[first], roots[second], proof[:-1]
            )
            bad = [merkle.leaf_hash(b"bad"), *proof[1:]]
            assert not merkle.verify_consistency(first, second, roots[first], roots[second], bad)


def test_consistency_edge_cases():
    """Equal sizes need equal roots and an empty proof; size 0 is extended by anything;
    a first size above the second is refused; a non-empty proof where none is due fails."""
    r5 = merkle.root(LEAVES[:5])
    assert merkle.verify_consistency(5, 5, r5, r5, [])
    assert not merkle.verify_consistency(5, 5, r5, merkle.root(LEAVES[:4]), [])
    assert not merkle.verify_consistency(5, 5, r5, r5, [LEAVES[0]])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, r5, [])
    assert not merkle.verify_consistency(6, 5, r5, r5, [])
    assert not merkle.verify_consistency(3, 5, merkle.root(LEAVES[:3]), r5, [])
    with pytest.raises(ValueError):
        merkle.consistency_proof(LEAVES, 6, 5)
    with pytest.raises(ValueError):
        merkle.inclusion_proof(LEAVES, 5, 5)
