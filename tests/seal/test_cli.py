"""The offline tool end to end, as a vendor runs it: `python -m inaproc.seal` in a
subprocess with Django made unimportable (the tool needs only `cryptography`)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from inaproc.seal.bid_letter import parse_bid_letter
from inaproc.seal.encoding import b64u_encode, scalar_of
from inaproc.seal.tender_keys import make_tender_key, private_pem, tender_key_file
from tests.processes import ROOT, run_python

TENDER = "12345000"
# Run the tool with `django` blocked: importing it anywhere would fail the command.
LAUNCH = (
    "import sys; sys.modules['django'] = None; from inaproc.seal.cli import main; sys.exit(main())"
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(
        LAUNCH, *args, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, cwd=cwd
    )


@pytest.fixture
def keys(tmp_path):
    key, raw = make_tender_key()
    slots = ["penawaran", "kualifikasi", "surat_penawaran"]
    (tmp_path / "tender.pem").write_text(tender_key_file(TENDER, 1, slots, raw))
    (tmp_path / "private.pem").write_text(private_pem(key))
    (tmp_path / "d.txt").write_text(b64u_encode(scalar_of(key)) + "\n")
    return key


def test_seal_check_open_gives_the_same_bytes(tmp_path, keys):
    """seal → check → open (PEM and b64u d) round-trips; the printed SHA-256 and size
    are those of the sealed file."""
    data = bytes(range(256)) * 9000
    (tmp_path / "penawaran.pdf").write_bytes(data)
    sealed = run("--tender-key", "tender.pem", "--slot", "penawaran", "penawaran.pdf", cwd=tmp_path)
    assert sealed.returncode == 0, sealed.stderr
    blob = (tmp_path / "penawaran.pdf.inpseal").read_bytes()
    digest = hashlib.sha256(blob).hexdigest()
    assert f"SHA-256: {digest}" in sealed.stdout
    assert f"{len(blob)} bytes" in sealed.stdout
    checked = run("check", "--tender-key", "tender.pem", "penawaran.pdf.inpseal", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert digest in checked.stdout
    for key_file, out in (("private.pem", "a.pdf"), ("d.txt", "b.pdf")):
        opened = run(
            "open",
            "--private-key",
            key_file,
            "--tender",
            TENDER,
            "--slot",
            "penawaran",
            "penawaran.pdf.inpseal",
            "-o",
            out,
            cwd=tmp_path,
        )
        assert opened.returncode == 0, opened.stderr
        assert (tmp_path / out).read_bytes() == data
        assert "application/pdf" in opened.stdout
    assert not list(tmp_path.glob("*.part"))


def test_letter_seals_a_parseable_bid_letter(tmp_path, keys):
    """The letter command seals the documented letter in slot surat_penawaran."""
    result = run(
        "letter",
        "--tender-key",
        "tender.pem",
        "--offer-price",
        "1250000000",
        "--validity-days",
        "60",
        "-o",
        "letter.inpseal",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "surat_penawaran" in result.stdout
    opened = run(
        "open", "--private-key", "private.pem", "letter.inpseal", "-o", "l.json", cwd=tmp_path
    )
    assert opened.returncode == 0, opened.stderr
    assert "surat-penawaran.json" in opened.stdout
    letter = parse_bid_letter((tmp_path / "l.json").read_bytes(), tender=TENDER)
    assert (letter.offer_price, letter.validity_days) == (1_250_000_000, 60)


def test_tampered_file_is_refused_and_nothing_is_left(tmp_path, keys):
    """A changed sealed file: open exits 1 with the code in both languages, no traceback,
    and no output (not even a partial one) is left behind."""
    (tmp_path / "f.bin").write_bytes(b"x" * 5000)
    assert (
        run("--tender-key", "tender.pem", "--slot", "kualifikasi", "f.bin", cwd=tmp_path).returncode
        == 0
    )
    blob = bytearray((tmp_path / "f.bin.inpseal").read_bytes())
    blob[-1] ^= 1
    (tmp_path / "f.bin.inpseal").write_bytes(bytes(blob))
    result = run("open", "--private-key", "private.pem", "f.bin.inpseal", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "refused (record_failed)" in result.stderr
    assert "ditolak (record_failed)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.part").exists()


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        ([], 2, "required"),
        (
            ["--tender-key", "tender.pem", "--slot", "file2", "f.bin"],
            2,
            "not one of this key's slots",
        ),
        (["--tender-key", "tender.pem", "--slot", "surat_penawaran", "f.bin"], 2, "letter"),
        (["--tender-key", "missing.pem", "--slot", "penawaran", "f.bin"], 2, "cannot read"),
        (["--tender-key", "tender.pem", "--slot", "penawaran", "missing.bin"], 2, "cannot read"),
        (["--tender-key", "f.bin", "--slot", "penawaran", "f.bin"], 1, "bad_key_file"),
        (
            ["letter", "--tender-key", "tender.pem", "--offer-price", "0", "--validity-days", "60"],
            1,
            "bad_letter",
        ),
        (
            ["letter", "--tender-key", "tender.pem", "--offer-price", "x", "--validity-days", "60"],
            2,
            "invalid int",
        ),
        (["open", "--private-key", "tender.pem", "f.bin", "-o", "o"], 1, "bad_key"),
        (["open", "--private-key", "private.pem", "f.bin", "-o", "o"], 1, "bad_magic"),
        (["check", "--tender-key", "tender.pem", "f.bin"], 1, "bad_magic"),
        (["check", "--tender-key", "tender.pem"], 2, "required"),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_clear_message(tmp_path, keys, args, code, text):
    """Usage and file errors exit 2, refused files and keys exit 1; never a traceback."""
    (tmp_path / "f.bin").write_bytes(b"not sealed")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert "galat" in result.stderr or "ditolak" in result.stderr


def test_existing_output_is_kept_unless_forced(tmp_path, keys):
    """The tool never overwrites a file silently; --force replaces it."""
    (tmp_path / "f.bin").write_bytes(b"abc")
    (tmp_path / "f.bin.inpseal").write_bytes(b"keep me")
    args = ("--tender-key", "tender.pem", "--slot", "penawaran", "f.bin")
    assert run(*args, cwd=tmp_path).returncode == 2
    assert (tmp_path / "f.bin.inpseal").read_bytes() == b"keep me"
    assert run(*args, "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "f.bin.inpseal").read_bytes().startswith(b"INPSEAL1")


def test_check_refuses_a_file_for_another_key(tmp_path, keys):
    """check with the key file of another tender key: wrong_key (or wrong_tender)."""
    (tmp_path / "f.bin").write_bytes(b"abc")
    assert (
        run("--tender-key", "tender.pem", "--slot", "penawaran", "f.bin", cwd=tmp_path).returncode
        == 0
    )
    _, other = make_tender_key()
    (tmp_path / "other.pem").write_text(tender_key_file(TENDER, 1, ["penawaran"], other))
    result = run("check", "--tender-key", "other.pem", "f.bin.inpseal", cwd=tmp_path)
    assert result.returncode == 1
    assert "wrong_key" in result.stderr


def test_help_lists_the_commands(tmp_path):
    """--help exits 0 and shows every command."""
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("letter", "check", "open"):
        assert f"python -m inaproc.seal {command}" in result.stdout
