"""Appends at once on PostgreSQL, each in its own connection: every entry gets its own
index, with no gap, even for the very first entries of a portal (its LogState created
by two transactions at once), and the frontier's root equals the tree of all leaves."""

from inaproc.seal import merkle
from inaproc.translog.models import LogEntry, LogState, SigningKey
from inaproc.translog.services import append_entry, sign_tree_head
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once

pytestmark = POSTGRESQL_CONCURRENT

THREADS = 8


def test_first_appends_at_once_get_consecutive_indexes(portal_a):
    """Eight first entries at once: indexes 0..7, one LogState, one signing key."""
    all_at_once(
        [lambda n=n: append_entry(portal=portal_a, kind="k", body={"n": n}) for n in range(THREADS)]
    )

    indexes = sorted(LogEntry.objects.filter(portal=portal_a).values_list("index", flat=True))
    assert indexes == list(range(THREADS))
    assert LogState.objects.get(portal=portal_a).size == THREADS
    assert SigningKey.objects.filter(portal=portal_a).count() == 1


def test_appends_and_heads_at_once_keep_the_tree_consistent(portal_a):
    """Appends racing tree-head signatures: the final root is the tree of every leaf in
    index order, and every head is the root of its own prefix."""
    append_entry(portal=portal_a, kind="k", body={})
    calls = [
        lambda n=n: append_entry(portal=portal_a, kind="k", body={"n": n}) for n in range(6)
    ] + [lambda: sign_tree_head(portal=portal_a) for _ in range(2)]

    heads = [result for result in all_at_once(calls) if not isinstance(result, LogEntry)]

    leaves = [
        bytes.fromhex(h)
        for h in LogEntry.objects.filter(portal=portal_a)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    ]
    assert len(leaves) == 7
    final = sign_tree_head(portal=portal_a)
    assert final.root_hash == merkle.root(leaves).hex()
    for head in heads:
        assert head.root_hash == merkle.root(leaves[: head.tree_size]).hex()
