"""The transparency log's services and selectors: appended entries are signed, ordered
and hashed into the tree; tree heads sign the frontier's root; proofs verify; keys rotate
without breaking what old keys signed; private keys are encrypted at rest."""

import json
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.utils import timezone

from inaproc.seal import merkle
from inaproc.seal.entries import (
    LogVerificationError,
    verify_entry_in_head,
    verify_signed_entry,
    verify_tree_head,
)
from inaproc.translog import selectors
from inaproc.translog.keys import private_key_decrypt
from inaproc.translog.models import LogEntry, LogState, SigningKey, TreeHead
from inaproc.translog.services import (
    append_entry,
    sign_tree_head,
    sign_tree_head_on_demand,
    sign_tree_heads_due,
    signed_entry_document,
    signing_key_rotate,
    tree_head_document,
)

pytestmark = pytest.mark.django_db


def keys_of(portal) -> dict[str, bytes]:
    return {key.key_id: bytes(key.public_key) for key in selectors.signing_keys(portal=portal)}


def test_append_adds_the_log_fields_and_signs_the_canonical_body(portal_a):
    """The stored body is the caller's body plus index, portal, kind and time, in the
    canonical form; its signature verifies with the portal's published key."""
    entry = append_entry(portal=portal_a, kind="tender.published", body={"tender": "1", "z": "é"})

    document = signed_entry_document(entry)
    body = verify_signed_entry(document, keys_of(portal_a))
    assert body["log_index"] == 0
    assert body["portal"] == "lpse-a"
    assert body["kind"] == "tender.published"
    assert body["logged_at"].endswith("Z")
    assert body["z"] == "é"
    assert document["body"] == json.dumps(body, sort_keys=True, separators=(",", ":"))
    assert "\\u00e9" in document["body"]
    assert entry.leaf_hash == merkle.leaf_hash(document["body"].encode()).hex()


def test_indexes_are_consecutive_and_per_portal(portal_a, portal_b):
    """Each portal's log counts from 0 without gaps, independently of the other."""
    for n in range(3):
        append_entry(portal=portal_a, kind="k", body={"n": n})
    append_entry(portal=portal_b, kind="k", body={})

    assert list(LogEntry.objects.filter(portal=portal_a).values_list("index", flat=True)) == [
        0,
        1,
        2,
    ]
    assert LogEntry.objects.get(portal=portal_b).index == 0
    assert LogState.objects.get(portal=portal_a).size == 3


def test_a_body_may_not_set_the_log_fields(portal_a):
    """The log, not the caller, sets log_index, portal, kind and logged_at."""
    with pytest.raises(ValueError):
        append_entry(portal=portal_a, kind="k", body={"log_index": 7})
    assert not LogEntry.objects.exists()


def test_the_tree_head_signs_the_root_of_all_entries(portal_a):
    """The head's root (from the frontier) equals the tree's root over the stored leaf
    hashes, and every entry's proof verifies against the signed head."""
    entries = [append_entry(portal=portal_a, kind="k", body={"n": n}) for n in range(7)]

    head = sign_tree_head(portal=portal_a)

    leaves = [bytes.fromhex(entry.leaf_hash) for entry in entries]
    assert head.root_hash == merkle.root(leaves).hex()
    head_body = verify_tree_head(tree_head_document(head), keys_of(portal_a), portal="lpse-a")
    for entry in entries:
        document = signed_entry_document(entry)
        entry_body = verify_signed_entry(document, keys_of(portal_a))
        proof = selectors.inclusion_proof(portal=portal_a, index=entry.index, tree_size=7)
        verify_entry_in_head(document, entry_body, head_body, proof)


def test_a_proof_from_another_tree_or_a_changed_byte_fails(portal_a):
    """A proof for another tree size, or an entry whose body was changed, does not
    verify; a changed body also breaks its signature."""
    for n in range(5):
        append_entry(portal=portal_a, kind="k", body={"n": n})
    head = verify_tree_head(tree_head_document(sign_tree_head(portal=portal_a)), keys_of(portal_a))
    entry = LogEntry.objects.get(portal=portal_a, index=2)
    document = signed_entry_document(entry)
    body = verify_signed_entry(document, keys_of(portal_a))
    other_proof = selectors.inclusion_proof(portal=portal_a, index=2, tree_size=4)
    with pytest.raises(LogVerificationError) as error:
        verify_entry_in_head(document, body, head, other_proof)
    assert error.value.code == "not_included"

    changed = {**document, "body": document["body"].replace('"n":2', '"n":3')}
    with pytest.raises(LogVerificationError) as error:
        verify_signed_entry(changed, keys_of(portal_a))
    assert error.value.code == "bad_signature"


def test_a_forged_signature_or_unknown_key_fails(portal_a, portal_b):
    """A signature by another key, or a key id the portal never published, fails."""
    entry = append_entry(portal=portal_a, kind="k", body={})
    other = append_entry(portal=portal_b, kind="k", body={})
    document = signed_entry_document(entry)

    forged = {**document, "signature": signed_entry_document(other)["signature"]}
    with pytest.raises(LogVerificationError) as error:
        verify_signed_entry(forged, keys_of(portal_a))
    assert error.value.code == "bad_signature"
    with pytest.raises(LogVerificationError) as error:
        verify_signed_entry(document, keys_of(portal_b))
    assert error.value.code == "unknown_key"
    with pytest.raises(LogVerificationError) as error:
        verify_signed_entry({"format": "x"}, keys_of(portal_a))
    assert error.value.code == "bad_format"


def test_rotation_retires_the_key_and_old_entries_still_verify(portal_a):
    """After rotation new entries use the new key; the retired key stays published
    and what it signed still verifies, and heads prove old and new entries alike."""
    old = append_entry(portal=portal_a, kind="k", body={"n": 0})
    new_key = signing_key_rotate(portal=portal_a)
    new = append_entry(portal=portal_a, kind="k", body={"n": 1})

    assert old.key_id != new.key_id == new_key.key_id
    assert SigningKey.objects.get(key_id=old.key_id).retired_at is not None
    keys = keys_of(portal_a)
    assert verify_signed_entry(signed_entry_document(old), keys)["n"] == 0
    head = sign_tree_head(portal=portal_a)
    assert head.key_id == new_key.key_id
    head_body = verify_tree_head(tree_head_document(head), keys)
    old_body = verify_signed_entry(signed_entry_document(old), keys)
    proof = selectors.inclusion_proof(portal=portal_a, index=0, tree_size=2)
    verify_entry_in_head(signed_entry_document(old), old_body, head_body, proof)


def test_private_keys_are_encrypted_under_the_log_secret(portal_a, settings):
    """The stored private key is not the raw key, and another secret cannot open it."""
    append_entry(portal=portal_a, kind="k", body={})
    key = SigningKey.objects.get(portal=portal_a)
    private = private_key_decrypt(key)
    assert private.private_bytes_raw() not in bytes(key.private_key_encrypted)
    settings.LOG_KEY_ENCRYPTION_KEY = "another secret"
    with pytest.raises(InvalidTag):
        private_key_decrypt(key)


def test_heads_are_due_when_the_log_grew_or_an_hour_passed(portal_a, portal_b):
    """sign_tree_heads_due signs grown logs, skips unchanged ones, and re-signs after
    an hour; portals with no log get none."""
    append_entry(portal=portal_a, kind="k", body={})

    assert [h.portal for h in sign_tree_heads_due()] == [portal_a]
    assert sign_tree_heads_due() == []
    append_entry(portal=portal_a, kind="k", body={})
    assert [h.tree_size for h in sign_tree_heads_due()] == [2]
    later = timezone.now() + timedelta(minutes=61)
    assert [h.tree_size for h in sign_tree_heads_due(later)] == [2]
    assert not TreeHead.objects.filter(portal=portal_b).exists()


def test_the_command_signs_due_heads(portal_a, capsys):
    """`sign_tree_heads` signs what is due and says how many."""
    append_entry(portal=portal_a, kind="k", body={})
    call_command("sign_tree_heads")
    assert "Signed 1 tree head(s)." in capsys.readouterr().out
    assert TreeHead.objects.filter(portal=portal_a, tree_size=1).count() == 1


def test_the_keys_command_rotates_and_lists(portal_a, capsys):
    """`translog_keys --rotate` creates a current key and lists all keys."""
    append_entry(portal=portal_a, kind="k", body={})
    call_command("translog_keys", "--portal", "lpse-a", "--rotate")
    out = capsys.readouterr().out
    assert out.count("lpse-a ") == 2 and "current" in out and "retired" in out


def test_on_demand_heads_are_limited(portal_a):
    """A head is signed on demand for an uncovered entry, but not twice within the
    interval, and never for an entry the log does not have."""
    append_entry(portal=portal_a, kind="k", body={})
    assert sign_tree_head_on_demand(portal=portal_a, covering=1) is None
    assert sign_tree_head_on_demand(portal=portal_a, covering=0).tree_size == 1
    append_entry(portal=portal_a, kind="k", body={})
    assert sign_tree_head_on_demand(portal=portal_a, covering=1) is None
    assert TreeHead.objects.count() == 1


def test_consistency_between_two_heads(portal_a):
    """The consistency proof links an older signed head to a newer one."""
    for n in range(3):
        append_entry(portal=portal_a, kind="k", body={"n": n})
    first = sign_tree_head(portal=portal_a)
    for n in range(4):
        append_entry(portal=portal_a, kind="k", body={"n": n})
    second = sign_tree_head(portal=portal_a)
    proof = selectors.consistency_proof(portal=portal_a, first=3, second=7)
    assert merkle.verify_consistency(
        3,
        7,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(p) for p in proof],
    )


def test_the_task_signs_due_heads_through_the_worker(portal_a):
    """The django-tasks task, run by the real worker, signs the due head once."""
    from inaproc.translog.tasks import sign_tree_heads
    from tests.helpers import run_task_worker

    append_entry(portal=portal_a, kind="k", body={})
    sign_tree_heads.enqueue()
    sign_tree_heads.enqueue()
    run_task_worker()

    assert TreeHead.objects.filter(portal=portal_a).count() == 1
