"""The offline receipt verifier: checks a signed log entry (a bid receipt) against the
portal's published keys, a signed tree head and an inclusion proof.

    python -m inaproc.seal.verify RECEIPT.json --portal-url https://host/<slug>/
    python -m inaproc.seal.verify RECEIPT.json --keys KEYS.json --tree-head STH.json \\
        --proof PROOF.json

With --portal-url the keys, the inclusion proof and its tree head are fetched from the
portal (add --tree-head to prove inclusion in a head you kept, e.g. from a mirror).
--proof takes the portal's inclusion answer (`log/inclusion`) or a bare list of hashes.
Each check is printed with OK or FAILED; the exit code is 0 only if every check passed.
Standard library and `cryptography` only: no Django.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, TextIO

from inaproc.seal.entries import (
    LogVerificationError,
    public_keys_from,
    verify_entry_in_head,
    verify_signed_entry,
    verify_tree_head,
)

FETCH_TIMEOUT = 30
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


class VerifierInputError(Exception):
    """A file or URL that could not be read as JSON."""


def read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise VerifierInputError(f"{path}: {error}") from error


def fetch_json(url: str) -> Any:
    """GET a JSON document over HTTP(S)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise VerifierInputError(f"{url}: only http and https URLs")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read(MAX_DOCUMENT_BYTES))
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace")
        raise VerifierInputError(f"{url}: HTTP {error.code} {detail}") from error
    except (OSError, ValueError) as error:
        raise VerifierInputError(f"{url}: {error}") from error


class Report:
    """Prints each check and remembers whether all passed."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failed: list[str] = []

    def ok(self, check: str, detail: str = "") -> None:
        self.out.write(f"OK      {check}{': ' + detail if detail else ''}\n")

    def fail(self, check: str, detail: str) -> None:
        self.failed.append(check)
        self.out.write(f"FAILED  {check}: {detail}\n")


def _proof_parts(proof_document: Any) -> tuple[Any, Any]:
    """(hashes, tree head or None) from an inclusion answer or a bare list."""
    if isinstance(proof_document, dict):
        return proof_document.get("proof"), proof_document.get("tree_head")
    return proof_document, None


def _gather(args: argparse.Namespace, receipt: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The keys document, the tree head and the proof, from files or the portal."""
    if args.portal_url:
        base = args.portal_url if args.portal_url.endswith("/") else args.portal_url + "/"
        keys_url = base + ".well-known/inaproc-keys.json"
        keys = read_json(args.keys) if args.keys else fetch_json(keys_url)
        index = _receipt_index(receipt)
        query = {"index": str(index)}
        kept_head = read_json(args.tree_head) if args.tree_head else None
        if kept_head is not None:
            query["tree_size"] = str(_head_size(kept_head))
        answer = fetch_json(base + "log/inclusion?" + urllib.parse.urlencode(query))
        proof, head = _proof_parts(answer)
        return keys, kept_head if kept_head is not None else head, proof
    if not (args.keys and args.proof):
        raise VerifierInputError("give --portal-url, or --keys and --proof (and --tree-head)")
    proof, head = _proof_parts(read_json(args.proof))
    if args.tree_head:
        head = read_json(args.tree_head)
    if head is None:
        raise VerifierInputError("no tree head: give --tree-head")
    return read_json(args.keys), head, proof


def _receipt_index(receipt: Any) -> int:
    try:
        index = json.loads(receipt["body"])["log_index"]
    except (KeyError, TypeError, ValueError):
        raise VerifierInputError("the receipt has no readable log_index") from None
    if not isinstance(index, int):
        raise VerifierInputError("the receipt's log_index is not a number")
    return index


def _head_size(head: Any) -> int:
    try:
        return int(json.loads(head["body"])["tree_size"])
    except (KeyError, TypeError, ValueError):
        raise VerifierInputError("the tree head has no readable tree_size") from None


def verify(args: argparse.Namespace, out: TextIO) -> int:
    report = Report(out)
    try:
        receipt = read_json(args.receipt)
        keys_document, head, proof = _gather(args, receipt)
    except VerifierInputError as error:
        report.fail("Reading the inputs", str(error))
        return 1
    try:
        keys = public_keys_from(keys_document)
        report.ok("Published keys", f"{len(keys)} key(s) of portal {keys_document.get('portal')}")
    except LogVerificationError as error:
        report.fail("Published keys", str(error))
        return 1
    entry_body = head_body = None
    try:
        entry_body = verify_signed_entry(receipt, keys)
        report.ok(
            "Receipt signature",
            f"{entry_body['kind']} #{entry_body['log_index']} of {entry_body['portal']}, "
            f"logged {entry_body['logged_at']}, key {receipt['key_id'][:16]}…",
        )
    except LogVerificationError as error:
        report.fail("Receipt signature", f"{error} [{error.code}]")
    try:
        head_body = verify_tree_head(head, keys, portal=keys_document.get("portal"))
        report.ok(
            "Tree head signature",
            f"size {head_body['tree_size']}, root {head_body['root_hash']}, "
            f"{head_body['timestamp']}",
        )
    except LogVerificationError as error:
        report.fail("Tree head signature", f"{error} [{error.code}]")
    if entry_body is None or head_body is None:
        report.fail("Inclusion in the tree head", "not checked: a signature check failed")
    else:
        try:
            verify_entry_in_head(receipt, entry_body, head_body, proof)
            report.ok("Inclusion in the tree head")
        except LogVerificationError as error:
            report.fail("Inclusion in the tree head", f"{error} [{error.code}]")
    out.write("All checks passed.\n" if not report.failed else "Verification FAILED.\n")
    return 0 if not report.failed else 1


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m inaproc.seal.verify",
        description="Verify an Inaproc receipt (a signed log entry) offline.",
    )
    parser.add_argument("receipt", help="the receipt JSON file")
    parser.add_argument("--portal-url", help="https://host/<slug>/: fetch keys, head and proof")
    parser.add_argument("--keys", help="the portal's inaproc-keys.json")
    parser.add_argument("--tree-head", help="a signed tree head JSON")
    parser.add_argument("--proof", help="the inclusion answer JSON (or a list of hex hashes)")
    return verify(parser.parse_args(argv), out or sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
