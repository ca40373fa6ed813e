"""Signed log entries (a bid receipt is one) and signed tree heads, and their checks.

Both are JSON documents of one shape (docs/sealed-bids.md, "Receipts and the
transparency log"):

    {"format": "inaproc-signed-entry-1" | "inaproc-tree-head-1",
     "body": "<the canonical JSON text of the body>",
     "signature": "<b64u Ed25519 signature of the body's bytes>",
     "key_id": "<hex SHA-256 of the raw 32-byte public key>"}

The body is kept as the exact text that was signed and, for an entry, hashed into the
tree (leaf data = the body's ASCII bytes); a verifier never re-serialises it. Canonical
means: keys sorted, separators "," and ":", every non-ASCII character escaped. An entry
body always has "kind" and "log_index"; a tree head body has exactly "portal",
"tree_size", "root_hash" and "timestamp", so the one cannot pass for the other.

No Django; `cryptography` for Ed25519.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from inaproc.seal import encoding, merkle
from inaproc.seal.encoding import b64u_decode, b64u_encode
from inaproc.seal.errors import SealError

ENTRY_FORMAT = "inaproc-signed-entry-1"
TREE_HEAD_FORMAT = "inaproc-tree-head-1"
KEYS_FORMAT = "inaproc-keys-1"
ENTRY_FIELDS = frozenset({"log_index", "portal", "kind", "logged_at"})
TREE_HEAD_FIELDS = frozenset({"portal", "tree_size", "root_hash", "timestamp"})


class LogVerificationError(Exception):
    """A document or proof that does not verify. `code` says which check failed:
    bad_format, unknown_key, bad_signature, wrong_portal, not_included."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def canonical_json(body: dict[str, Any]) -> str:
    """The one serialisation that is signed and hashed (encoding.canonical_json, as text)."""
    return encoding.canonical_json(body).decode("ascii")


def key_id_of(public_raw: bytes) -> str:
    """A signing key's id: the lowercase hex SHA-256 of its raw 32-byte public key."""
    return hashlib.sha256(public_raw).hexdigest()


def sign_document(
    document_format: str, body: dict[str, Any], private_key: Ed25519PrivateKey
) -> dict[str, str]:
    """The signed document of `body` (serialised canonically here)."""
    text = canonical_json(body)
    public_raw = private_key.public_key().public_bytes_raw()
    return {
        "format": document_format,
        "body": text,
        "signature": b64u_encode(private_key.sign(text.encode("ascii"))),
        "key_id": key_id_of(public_raw),
    }


def _bad(message: str) -> LogVerificationError:
    return LogVerificationError("bad_format", message)


def _verify_document(
    document: Any, document_format: str, public_keys: dict[str, bytes]
) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != document_format:
        raise _bad(f"not an {document_format} document")
    text, signature, key_id = (
        document.get("body"),
        document.get("signature"),
        document.get("key_id"),
    )
    if not (isinstance(text, str) and isinstance(signature, str) and isinstance(key_id, str)):
        raise _bad("body, signature and key_id must be strings")
    try:
        body = json.loads(text)
    except ValueError:
        raise _bad("the body is not JSON") from None
    if not isinstance(body, dict) or canonical_json(body) != text:
        raise _bad("the body is not a canonical JSON object")
    public_raw = public_keys.get(key_id)
    if public_raw is None:
        raise LogVerificationError("unknown_key", f"no published key has the id {key_id}")
    try:
        raw_signature = b64u_decode(signature)
        Ed25519PublicKey.from_public_bytes(public_raw).verify(raw_signature, text.encode("ascii"))
    except (ValueError, SealError, InvalidSignature):
        raise LogVerificationError("bad_signature", "the signature does not verify") from None
    return body


def verify_signed_entry(document: Any, public_keys: dict[str, bytes]) -> dict[str, Any]:
    """The body of a signed entry (a receipt) whose signature verifies with the key it
    names among `public_keys` (key id → raw public key). Raises LogVerificationError."""
    body = _verify_document(document, ENTRY_FORMAT, public_keys)
    if not body.keys() >= ENTRY_FIELDS:
        raise _bad("the entry lacks log_index, portal, kind or logged_at")
    index = body["log_index"]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise _bad("log_index must be a whole number")
    return body


def verify_tree_head(
    document: Any, public_keys: dict[str, bytes], *, portal: str | None = None
) -> dict[str, Any]:
    """The body of a signed tree head that verifies (and is of `portal`, if given)."""
    body = _verify_document(document, TREE_HEAD_FORMAT, public_keys)
    if body.keys() != TREE_HEAD_FIELDS:
        raise _bad("a tree head has exactly portal, tree_size, root_hash and timestamp")
    size, root_hash = body["tree_size"], body["root_hash"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _bad("tree_size must be a whole number")
    if not _is_hash(root_hash):
        raise _bad("root_hash must be 64 hex digits")
    if portal is not None and body["portal"] != portal:
        raise LogVerificationError("wrong_portal", "the tree head is of another portal")
    return body


def _is_hash(value: Any) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def entry_leaf_hash(document: dict[str, Any]) -> bytes:
    """The entry's leaf hash: SHA-256(0x00 ‖ the body's bytes)."""
    return merkle.leaf_hash(document["body"].encode("ascii"))


def verify_entry_in_head(
    document: dict[str, Any], entry_body: dict[str, Any], head_body: dict[str, Any], proof: Any
) -> None:
    """That the (already verified) entry is in the tree of the (already verified) head:
    `proof` is the list of hex hashes of its inclusion path. Raises LogVerificationError."""
    if entry_body["portal"] != head_body["portal"]:
        raise LogVerificationError("wrong_portal", "the entry and the tree head are of two portals")
    if not isinstance(proof, list) or not all(_is_hash(item) for item in proof):
        raise _bad("the proof must be a list of 64-digit hex hashes")
    included = merkle.verify_inclusion(
        entry_leaf_hash(document),
        entry_body["log_index"],
        head_body["tree_size"],
        [bytes.fromhex(item) for item in proof],
        bytes.fromhex(head_body["root_hash"]),
    )
    if not included:
        raise LogVerificationError("not_included", "the entry is not in this tree head")


def public_keys_from(document: Any) -> dict[str, bytes]:
    """Key id → raw public key of a published keys document (inaproc-keys-1); keys whose
    id is not the hash of their bytes are left out."""
    if not isinstance(document, dict) or document.get("format") != KEYS_FORMAT:
        raise _bad(f"not an {KEYS_FORMAT} document")
    keys: dict[str, bytes] = {}
    for item in document.get("keys") or []:
        try:
            raw = b64u_decode(item["public_key"])
        except (KeyError, TypeError, ValueError, SealError):
            continue
        if len(raw) == 32 and item.get("key_id") == key_id_of(raw):
            keys[item["key_id"]] = raw
    return keys
