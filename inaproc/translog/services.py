"""Writes of the transparency log: appending entries, signing tree heads, rotating keys.

`append_entry` runs inside the caller's transaction and takes the portal's log lock
(SELECT … FOR UPDATE on its LogState row), so entries get consecutive indexes with no
gap and no duplicate, and an entry exists exactly when the change it records commits."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from inaproc.portals.models import Portal
from inaproc.seal import merkle
from inaproc.seal.entries import (
    ENTRY_FIELDS,
    ENTRY_FORMAT,
    TREE_HEAD_FORMAT,
    canonical_json,
    sign_document,
)
from inaproc.translog.keys import current_signing_key, private_key_decrypt, signing_key_create
from inaproc.translog.models import LogEntry, LogState, SigningKey, TreeHead
from inaproc.translog.selectors import node_cache_warm

logger = logging.getLogger(__name__)

# A head is signed at least this often even when the log did not grow.
TREE_HEAD_MAX_AGE = timedelta(hours=1)
# The inclusion endpoint signs a head on demand at most this often per portal.
ON_DEMAND_INTERVAL = timedelta(seconds=30)


def utc_iso(moment: datetime) -> str:
    """A moment as ISO 8601 in UTC with a 'Z' and milliseconds: 2026-05-01T03:00:00.000Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _locked_state(portal: Portal) -> LogState:
    """The portal's LogState, locked; created first if missing (INSERT … ON CONFLICT DO
    NOTHING, so two first appends at once both end up waiting on the one row)."""
    state = LogState.objects.select_for_update().filter(portal=portal).first()
    if state is None:
        LogState.objects.bulk_create([LogState(portal=portal)], ignore_conflicts=True)
        state = LogState.objects.select_for_update().get(portal=portal)
    return state


def append_entry(*, portal: Portal, kind: str, body: dict[str, Any]) -> LogEntry:
    """Append one public entry to `portal`'s log, signed with its current key (created
    on first use). The stored body is `body` plus log_index, portal, kind and logged_at
    (which `body` must not contain), serialised canonically; those bytes are the leaf.
    Call it inside the transaction of the change it records: an error here rolls that
    transaction back (no savepoint of its own: an entry is never appended without its
    change, and two statements less per entry)."""
    reserved = ENTRY_FIELDS & body.keys()
    if reserved:
        raise ValueError(f"the log sets {sorted(reserved)} itself")
    with transaction.atomic(savepoint=False):
        state = _locked_state(portal)
        signing_key = current_signing_key(portal=portal)
        full = {
            **body,
            "log_index": state.size,
            "portal": portal.slug,
            "kind": kind,
            "logged_at": utc_iso(timezone.now()),
        }
        document = sign_document(ENTRY_FORMAT, full, private_key_decrypt(signing_key))
        leaf = merkle.leaf_hash(document["body"].encode("ascii"))
        entry = LogEntry.objects.create(
            portal=portal,
            index=state.size,
            kind=kind,
            body=document["body"],
            leaf_hash=leaf.hex(),
            signature=document["signature"],
            key_id=document["key_id"],
        )
        frontier = merkle.Frontier.from_hex(state.size, state.frontier)
        frontier.append(leaf)
        state.size, state.frontier = frontier.size, frontier.to_hex()
        state.save(update_fields=["size", "frontier"])
        for hook in getattr(settings, "TRANSLOG_ENTRY_HOOKS", []):
            # Projections of the public events (open data, docs/decisions/0013), in the
            # same transaction: they commit or roll back with the entry.
            import_string(hook)(entry=entry, body=full)
    return entry


def signed_entry_document(entry: LogEntry) -> dict[str, str]:
    """The downloadable signed entry (for kind "bid.received": the bid receipt)."""
    return {
        "format": ENTRY_FORMAT,
        "body": entry.body,
        "signature": entry.signature,
        "key_id": entry.key_id,
    }


def tree_head_document(head: TreeHead) -> dict[str, str]:
    """The published signed tree head."""
    return {
        "format": TREE_HEAD_FORMAT,
        "body": head.body,
        "signature": head.signature,
        "key_id": head.key_id,
    }


def _sign_head(portal: Portal, state: LogState) -> TreeHead:
    now = timezone.now()
    root = merkle.Frontier.from_hex(state.size, state.frontier).root().hex()
    body = {
        "portal": portal.slug,
        "tree_size": state.size,
        "root_hash": root,
        "timestamp": utc_iso(now),
    }
    document = sign_document(
        TREE_HEAD_FORMAT, body, private_key_decrypt(current_signing_key(portal=portal))
    )
    return TreeHead.objects.create(
        portal=portal,
        tree_size=state.size,
        root_hash=root,
        timestamp=now,
        body=canonical_json(body),
        signature=document["signature"],
        key_id=document["key_id"],
    )


def sign_tree_head(*, portal: Portal) -> TreeHead:
    """Sign and store a tree head of `portal`'s log as it is now (O(log n): the root
    comes from the stored frontier). Call it at a bid deadline, for one."""
    with transaction.atomic():
        return _sign_head(portal, _locked_state(portal))


def sign_tree_head_on_demand(*, portal: Portal, covering: int) -> TreeHead | None:
    """A head covering entry index `covering`, signed now if the log has that entry but
    no head covers it, at most once per ON_DEMAND_INTERVAL per portal; None otherwise."""
    with transaction.atomic():
        state = _locked_state(portal)
        if covering >= state.size:
            return None
        latest = TreeHead.objects.filter(portal=portal).first()
        if latest is not None and latest.tree_size > covering:
            return latest
        now = timezone.now()
        last = state.on_demand_signed_at
        if last is not None and now - last < ON_DEMAND_INTERVAL:
            return None
        state.on_demand_signed_at = now
        state.save(update_fields=["on_demand_signed_at"])
        return _sign_head(portal, state)


def deadline_passed(portal_id: int, since: datetime, until: datetime) -> bool:
    return bool(import_string(settings.TREE_HEAD_DEADLINE_CHECK)(portal_id, since, until))


def sign_tree_heads_due(now: datetime | None = None) -> list[TreeHead]:
    """Sign a head for every portal whose log grew since its last head, or whose last
    head is older than TREE_HEAD_MAX_AGE, or that had a bid deadline since its last head
    (settings.TREE_HEAD_DEADLINE_CHECK, a question the tenders app answers: ADR 0010).
    Run every minute (`sign_tree_heads`; it signs only what is due), so every bid deadline
    is followed within a minute by a head of the log as it stood at the deadline. Then
    the proofs' node cache is brought up to each new head (`node_cache_warm`)."""
    now = now or timezone.now()
    signed = []
    for state in LogState.objects.select_related("portal").order_by("portal_id"):
        latest = TreeHead.objects.filter(portal=state.portal).first()
        if (
            latest is None
            or latest.tree_size != state.size
            or now - latest.timestamp >= TREE_HEAD_MAX_AGE
            or deadline_passed(state.portal_id, latest.timestamp, now)
        ):
            signed.append(sign_tree_head(portal=state.portal))
    for head in signed:
        try:
            node_cache_warm(portal=head.portal, size=head.tree_size)
        except Exception:  # a cache: the heads are signed; proofs compute what is missing
            logger.exception("translog: portal %s: the node cache was not warmed", head.portal.slug)
    return signed


def signing_key_rotate(*, portal: Portal) -> SigningKey:
    """Retire the portal's current signing key (it stays published, so what it signed
    still verifies) and create a new one. An operator's command: logged (translog sits
    beside audit in the layers and cannot write audit rows); the keys document shows
    every key with its validity."""
    with transaction.atomic():
        _locked_state(portal)
        key = signing_key_create(portal=portal)
    logger.info("translog: portal %s has a new signing key %s", portal.slug, key.key_id)
    return key
