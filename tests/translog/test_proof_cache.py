"""Proofs through the cache of subtree hashes (translog.LogNode): byte-identical to the
reference (seal.merkle, RFC 9162) for every index and size pair, per portal, a
corrupted or missing cached node never yields a wrong proof, sizes beyond the log are
refused, and a proof costs a few queries whatever the log's size."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inaproc.seal import merkle
from inaproc.translog import selectors
from inaproc.translog.models import LogEntry, LogNode, TreeHead
from inaproc.translog.services import sign_tree_head
from tests.translog.synthetic import grow_log, unsigned_head

pytestmark = pytest.mark.django_db

CACHE_LEVEL = 2  # nodes of 4 leaves and more: every path of a small log crosses them


@pytest.fixture(autouse=True)
def _small_nodes(settings):
    settings.TRANSLOG_NODE_CACHE_LEVEL = CACHE_LEVEL


def hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


def inclusion(portal, index: int, size: int) -> list[str]:
    return selectors.inclusion_proof(portal=portal, index=index, tree_size=size)


def consistency(portal, first: int, second: int) -> list[str]:
    return selectors.consistency_proof(portal=portal, first=first, second=second)


def assert_every_proof_is_the_reference(portal, leaves: list[bytes], size: int) -> None:
    for index in range(size):
        assert inclusion(portal, index, size) == hexes(merkle.inclusion_proof(leaves, index, size))
    for first in range(size + 1):
        assert consistency(portal, first, size) == hexes(
            merkle.consistency_proof(leaves, first, size)
        )


def test_every_proof_of_a_growing_log_equals_the_reference(portal_a):
    """For each size 1..70 as the log grows to it: every inclusion proof and every
    consistency proof of that size, through the cache filled by the smaller sizes."""
    for size in range(1, 71):
        leaves = grow_log(portal_a, size)
        assert_every_proof_is_the_reference(portal_a, leaves, size)
    assert LogNode.objects.filter(portal=portal_a, level__lt=CACHE_LEVEL).count() == 0
    assert (
        LogNode.objects.filter(portal=portal_a).count()
        == 70 // 4 + 70 // 8 + 70 // 16 + 70 // 32 + 70 // 64
    )


@pytest.mark.parametrize("signed", [False, True])
def test_proofs_of_older_sizes_equal_the_reference(portal_a, signed):
    """Sizes below the log's (with a signed head of that size, or checked against the
    current root), cache cold for each size."""
    leaves = grow_log(portal_a, 45)
    for size in range(1, 45):
        LogNode.objects.all().delete()
        if signed:
            unsigned_head(portal_a, leaves, size)
        assert_every_proof_is_the_reference(portal_a, leaves, size)


def test_only_complete_subtrees_of_the_checked_size_are_cached(portal_a):
    """With a signed head of the size asked, nothing beyond that size is stored; every
    stored node is a complete subtree with its true hash."""
    leaves = grow_log(portal_a, 40)
    unsigned_head(portal_a, leaves, 21)

    inclusion(portal_a, 3, 21)
    consistency(portal_a, 13, 21)

    nodes = LogNode.objects.filter(portal=portal_a)
    assert nodes.exists()
    for node in nodes:
        lo, hi = node.index << node.level, (node.index + 1) << node.level
        assert hi <= 21
        assert bytes(node.hash) == merkle.root(leaves[lo:hi])


def test_a_node_cached_for_one_portal_is_never_used_for_another(portal_a, portal_b):
    """Two logs of the same size with other leaves: each portal's proofs are its own,
    whichever portal filled its cache first (sizes with no check against a root)."""
    leaves_a = grow_log(portal_a, 40, tag="a")
    leaves_b = grow_log(portal_b, 40, tag="b")
    for index in range(32):
        assert inclusion(portal_a, index, 32) == hexes(merkle.inclusion_proof(leaves_a, index, 32))
    count_a = LogNode.objects.filter(portal=portal_a).count()

    for index in range(32):
        assert inclusion(portal_b, index, 32) == hexes(merkle.inclusion_proof(leaves_b, index, 32))
    assert consistency(portal_b, 17, 32) == hexes(merkle.consistency_proof(leaves_b, 17, 32))
    assert LogNode.objects.filter(portal=portal_a).count() == count_a
    assert LogNode.objects.filter(portal=portal_b).exists()


@pytest.mark.parametrize("damage", ["wrong", "malformed", "missing"])
@pytest.mark.parametrize("signed", [False, True])
def test_a_damaged_cached_node_never_yields_a_wrong_proof(portal_a, damage, signed, caplog):
    """A cached node with a wrong hash or a wrong length is noticed (the root it feeds
    does not match the log's), the cache is refilled from the leaves and the proof is
    the reference; a missing node is computed again and stored."""
    leaves = grow_log(portal_a, 61)
    size = 48 if signed else 61
    if signed:
        unsigned_head(portal_a, leaves, size)
    for index in range(size):
        inclusion(portal_a, index, size)
    node = LogNode.objects.get(portal=portal_a, level=4, index=1)  # leaves 16 … 31
    if damage == "wrong":
        LogNode.objects.filter(pk=node.pk).update(hash=merkle.leaf_hash(b"forged"))
    elif damage == "malformed":
        LogNode.objects.filter(pk=node.pk).update(hash=b"short")
    else:
        LogNode.objects.filter(pk=node.pk).delete()

    with caplog.at_level(logging.ERROR, logger="inaproc.translog.selectors"):
        proof = inclusion(portal_a, 3, size)
        other = consistency(portal_a, 21, size)

    assert proof == hexes(merkle.inclusion_proof(leaves, 3, size))
    assert other == hexes(merkle.consistency_proof(leaves, 21, size))
    stored = LogNode.objects.get(portal=portal_a, level=4, index=1)
    assert bytes(stored.hash) == merkle.root(leaves[16:32])
    assert ("disagree" in caplog.text) == (damage != "missing")


def test_a_size_beyond_the_log_is_refused(portal_a, portal_b):
    """As with the reference: a tree size above the log's size, or an index not below
    it, is a ValueError; an empty log has only the empty proofs of size 0."""
    grow_log(portal_a, 10)
    for call in (
        lambda: inclusion(portal_a, 0, 11),
        lambda: inclusion(portal_a, 10, 10),
        lambda: consistency(portal_a, 3, 11),
        lambda: consistency(portal_a, 11, 11),
        lambda: consistency(portal_a, 5, 4),
        lambda: inclusion(portal_b, 0, 1),
    ):
        with pytest.raises(ValueError):
            call()
    assert consistency(portal_b, 0, 0) == []
    assert not LogNode.objects.filter(index__gte=3).exists()


@pytest.mark.parametrize("signed", [False, True])
def test_a_proof_takes_a_few_queries_whatever_the_size(portal_a, settings, signed):
    """On a log of 2,000 entries (nodes of 16 leaves and more), a cold proof and a warm
    one each take a bounded number of queries, not one per entry or per node, and the
    warm ones read only the leaves they need."""
    settings.TRANSLOG_NODE_CACHE_LEVEL = 4
    leaves = grow_log(portal_a, 2000)
    if signed:
        unsigned_head(portal_a, leaves, 1999)
    size = 1999 if signed else 2000
    for call in (
        lambda: inclusion(portal_a, 1234, size),  # cold: computes and stores nodes
        lambda: inclusion(portal_a, 1234, size),
        lambda: inclusion(portal_a, 7, size),
        lambda: consistency(portal_a, 1000, size),
    ):
        with CaptureQueriesContext(connection) as queries:
            call()
        assert len(queries) <= 6, [q["sql"][:80] for q in queries]
    # Leaves under cached nodes are not read any more: the proofs stand without them.
    LogEntry.objects.filter(portal=portal_a, index__gte=256, index__lt=512).delete()
    assert inclusion(portal_a, 1234, size) == hexes(merkle.inclusion_proof(leaves, 1234, size))
    assert consistency(portal_a, 1000, size) == hexes(merkle.consistency_proof(leaves, 1000, size))


def test_the_public_endpoints_answer_the_reference_proofs(client, portal_a):
    """Through /log/inclusion and /log/consistency (signed heads of 37 and 53 entries,
    nodes cached by the first answers): the proofs are the reference's."""
    leaves = grow_log(portal_a, 37)
    sign_tree_head(portal=portal_a)
    leaves = grow_log(portal_a, 53)
    sign_tree_head(portal=portal_a)
    for index in (0, 5, 36, 52):
        data = client.get(f"/lpse-a/log/inclusion?index={index}").json()
        assert data["tree_size"] == 53
        assert data["proof"] == hexes(merkle.inclusion_proof(leaves, index, 53))
    data = client.get("/lpse-a/log/inclusion?index=9&tree_size=37").json()
    assert data["proof"] == hexes(merkle.inclusion_proof(leaves, 9, 37))
    data = client.get("/lpse-a/log/consistency?first=37&second=53").json()
    assert data["proof"] == hexes(merkle.consistency_proof(leaves, 37, 53))
    assert data["first_tree_head"] and data["second_tree_head"]
    assert LogNode.objects.filter(portal=portal_a).exists()


def test_signing_the_due_heads_warms_the_node_cache(portal_a):
    """After `sign_tree_heads_due` every complete subtree of the signed size at the
    cached levels is stored: the first proofs after a restore or a burst compute
    nothing (no node stored by any proof afterwards), and are still the reference."""
    from inaproc.translog.services import sign_tree_heads_due

    leaves = grow_log(portal_a, 70)
    LogNode.objects.filter(portal=portal_a).delete()
    signed = sign_tree_heads_due()
    assert [head.tree_size for head in signed if head.portal == portal_a] == [70]

    stored = set(LogNode.objects.filter(portal=portal_a).values_list("level", "index"))
    assert stored == {
        (level, index) for level in range(CACHE_LEVEL, 7) for index in range(70 >> level)
    }
    assert_every_proof_is_the_reference(portal_a, leaves, 70)
    assert LogNode.objects.filter(portal=portal_a).count() == len(stored)


def test_a_failed_warm_up_leaves_the_signed_heads(portal_a, monkeypatch, caplog):
    """The warm-up is a cache's: when it fails the heads stay signed and it is logged."""
    from inaproc.translog import services

    grow_log(portal_a, 9)

    def broken(**kwargs):
        raise RuntimeError("the cache is broken")

    monkeypatch.setattr(services, "node_cache_warm", broken)
    with caplog.at_level(logging.ERROR, logger="inaproc.translog.services"):
        signed = services.sign_tree_heads_due()
    assert [head.tree_size for head in signed if head.portal == portal_a] == [9]
    assert TreeHead.objects.filter(portal=portal_a, tree_size=9).exists()
    assert "node cache was not warmed" in caplog.text
