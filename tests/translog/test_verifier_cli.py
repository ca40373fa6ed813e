"""The offline verifier (`python -m inaproc.seal.verify`): a genuine receipt passes
against files and against a live portal; a changed byte, a forged signature, a proof of
another tree or another portal's head fail, and the output names the failed check."""

import io
import json
import os
from pathlib import Path

import pytest

from inaproc.seal.entries import b64u_decode, b64u_encode
from inaproc.seal.verify import main
from inaproc.translog import selectors
from inaproc.translog.services import (
    append_entry,
    sign_tree_head,
    signed_entry_document,
    tree_head_document,
)
from tests.processes import run_python


def receipt_body() -> dict:
    return {
        "tender": "12345000",
        "company_npwp": "0012345674101000",
        "company_name": "PT Alpha Jaya",
        "bid_version": 1,
        "files": [{"slot": "penawaran", "size": 1234, "sha256": "ab" * 32}],
        "received_at": "2026-05-01T03:00:00.000Z",
    }


def write(folder: Path, name: str, data) -> str:
    path = folder / name
    path.write_text(json.dumps(data))
    return str(path)


def files_for(portal, client, folder: Path, index: int = 1) -> dict[str, str]:
    """The receipt of entry `index`, the keys, a head and the proof, as files."""
    keys = client.get(f"/{portal.slug}/.well-known/inaproc-keys.json").json()
    inclusion = client.get(f"/{portal.slug}/log/inclusion?index={index}").json()
    entry = selectors.entry_at(portal=portal, index=index)
    return {
        "receipt": write(folder, "receipt.json", signed_entry_document(entry)),
        "keys": write(folder, "keys.json", keys),
        "proof": write(folder, "proof.json", inclusion),
        "head": write(folder, "head.json", inclusion["tree_head"]),
    }


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


@pytest.fixture
def logged(portal_a):
    append_entry(portal=portal_a, kind="tender.published", body={"tender": "12345000"})
    append_entry(portal=portal_a, kind="bid.received", body=receipt_body())
    append_entry(portal=portal_a, kind="tender.addendum", body={"tender": "12345000"})
    return portal_a


@pytest.mark.django_db
def test_a_genuine_receipt_passes_against_files(logged, client, tmp_path):
    """Signature, tree head and inclusion all pass; exit code 0."""
    paths = files_for(logged, client, tmp_path)

    code, out = run(paths["receipt"], "--keys", paths["keys"], "--proof", paths["proof"])

    assert code == 0, out
    assert out.count("OK ") == 4 and "All checks passed." in out
    assert "bid.received #1 of lpse-a" in out


@pytest.mark.django_db
def test_a_changed_byte_fails_the_signature_and_says_so(logged, client, tmp_path):
    """One changed byte of the body: the receipt signature check fails, exit code 1."""
    paths = files_for(logged, client, tmp_path)
    receipt = json.loads(Path(paths["receipt"]).read_text())
    receipt["body"] = receipt["body"].replace('"size":1234', '"size":1235')
    write(tmp_path, "receipt.json", receipt)

    code, out = run(paths["receipt"], "--keys", paths["keys"], "--proof", paths["proof"])

    assert code == 1
    assert "FAILED  Receipt signature" in out and "bad_signature" in out
    assert "OK      Tree head signature" in out


@pytest.mark.django_db
def test_a_forged_signature_fails(logged, client, tmp_path):
    """A signature with one bit flipped does not verify."""
    paths = files_for(logged, client, tmp_path)
    receipt = json.loads(Path(paths["receipt"]).read_text())
    signature = bytearray(b64u_decode(receipt["signature"]))
    signature[0] ^= 1
    receipt["signature"] = b64u_encode(bytes(signature))
    write(tmp_path, "receipt.json", receipt)

    code, out = run(paths["receipt"], "--keys", paths["keys"], "--proof", paths["proof"])

    assert code == 1 and "FAILED  Receipt signature" in out


@pytest.mark.django_db
def test_a_proof_from_another_tree_fails_inclusion(logged, client, tmp_path):
    """A head of another size with the proof of the first: inclusion fails."""
    paths = files_for(logged, client, tmp_path)
    append_entry(portal=logged, kind="k", body={})
    other_head = tree_head_document(sign_tree_head(portal=logged))
    write(tmp_path, "head.json", other_head)

    code, out = run(
        paths["receipt"], "--keys", paths["keys"], "--proof", paths["proof"],
        "--tree-head", paths["head"],
    )  # fmt: skip

    assert code == 1
    assert "OK      Tree head signature" in out
    assert "FAILED  Inclusion in the tree head" in out and "not_included" in out


@pytest.mark.django_db
def test_another_portals_keys_fail(logged, portal_b, client, tmp_path):
    """With another portal's keys nothing verifies (unknown key)."""
    append_entry(portal=portal_b, kind="k", body={})
    paths = files_for(logged, client, tmp_path)
    keys_b = client.get("/lpse-b/.well-known/inaproc-keys.json").json()
    write(tmp_path, "keys.json", keys_b)

    code, out = run(paths["receipt"], "--keys", paths["keys"], "--proof", paths["proof"])

    assert code == 1 and "unknown_key" in out


@pytest.mark.django_db
def test_unreadable_inputs_fail_cleanly(tmp_path):
    """A missing file or missing options is a FAILED line, not a traceback."""
    code, out = run(str(tmp_path / "nothing.json"), "--keys", "x", "--proof", "y")
    assert code == 1 and out.startswith("FAILED  Reading the inputs")


@pytest.mark.django_db(transaction=True)
def test_against_a_live_portal(live_server, logged, tmp_path, client):
    """With --portal-url the keys, proof and head are fetched over HTTP and verify; a
    head kept from earlier (--tree-head) is used for the proof."""
    entry = selectors.entry_at(portal=logged, index=1)
    receipt = write(tmp_path, "receipt.json", signed_entry_document(entry))
    url = f"{live_server.url}/lpse-a/"

    code, out = run(receipt, "--portal-url", url)
    assert code == 0, out

    kept = write(tmp_path, "kept.json", tree_head_document(sign_tree_head(portal=logged)))
    append_entry(portal=logged, kind="k", body={})
    sign_tree_head(portal=logged)
    code, out = run(receipt, "--portal-url", url, "--tree-head", kept)
    assert code == 0, out
    assert "size 3" in out


@pytest.mark.django_db
def test_the_command_runs_without_django(logged, client, tmp_path):
    """`python -m inaproc.seal.verify` runs in a fresh interpreter that never imports
    Django (a vendor needs only `cryptography`)."""
    paths = files_for(logged, client, tmp_path)
    script = (
        "import runpy, sys\nsys.argv = sys.argv[1:]\n"
        "try:\n runpy.run_module('inaproc.seal.verify', run_name='__main__')\n"
        "except SystemExit as e:\n"
        " assert 'django' not in sys.modules; sys.exit(e.code)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = run_python(
        script, "verify", paths["receipt"], "--keys", paths["keys"], "--proof", paths["proof"],
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed." in result.stdout
