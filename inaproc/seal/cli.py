"""The offline sealing tool, `python -m inaproc.seal` (docs/sealed-bids.md, "Sealing
offline"). Needs only `cryptography`. Every message is printed in English and then in
Indonesian. Exit codes: 0 done, 1 a file or key was refused, 2 a usage or file error."""

from __future__ import annotations

import argparse
import io
import mimetypes
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NoReturn

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from inaproc.seal import bid_letter
from inaproc.seal.encoding import b64u_decode, private_from_scalar
from inaproc.seal.errors import SealError
from inaproc.seal.sealed_file import (
    check_sealed,
    open_stream,
    read_header,
    seal_stream,
    sealed_sha256,
)
from inaproc.seal.tender_keys import TenderKeyFile, parse_tender_key_file

COMMANDS = ("seal", "letter", "open", "check")
EPILOG = """commands:
  python -m inaproc.seal --tender-key KEY.pem --slot SLOT FILE [-o OUT]
  python -m inaproc.seal letter --tender-key KEY.pem --offer-price RUPIAH --validity-days N
  python -m inaproc.seal check --tender-key KEY.pem SEALED
  python -m inaproc.seal open --private-key TENDER-PRIVATE.pem SEALED -o OUT
(`python -m inaproc.seal COMMAND --help` for each)"""
# Indonesian for each SealError code; English is the error's own message.
INDONESIAN = {
    "bad_encoding": "data base64url tidak sah",
    "bad_key": "kunci bukan kunci P-256 yang sah",
    "bad_magic": "bukan berkas tersegel Inaproc",
    "bad_header": "kepala berkas tersegel rusak",
    "wrong_tender": "berkas disegel untuk tender lain",
    "wrong_slot": "berkas disegel untuk slot lain",
    "wrong_key": "berkas disegel dengan kunci tender lain",
    "unwrap_failed": "kunci data tidak dapat dibuka dengan kunci ini",
    "meta_failed": "nama, jenis atau ukuran berkas tidak autentik",
    "record_failed": "isi berkas telah diubah atau disusun ulang",
    "truncated": "berkas terpotong atau tidak utuh",
    "size_mismatch": "ukuran berkas tidak sesuai",
    "bad_share": "bagian kunci tidak dapat dipakai",
    "key_mismatch": "kunci tidak sesuai dengan kunci publik yang diharapkan",
    "bad_passphrase": "frasa sandi salah",
    "weak_kdf": "berkas kunci memakai derivasi kunci yang terlalu lemah",
    "bad_key_file": "berkas kunci rusak atau bukan berkas kunci Inaproc",
    "bad_letter": "surat penawaran tidak sah",
    "bad_argument": "argumen tidak sah",
}


class UsageError(Exception):
    """A usage or file problem: exit code 2, with an English and an Indonesian line."""

    def __init__(self, english: str, indonesian: str) -> None:
        super().__init__(english)
        self.english, self.indonesian = english, indonesian


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message, "argumen tidak sah (lihat --help)")


def _say(english: str, indonesian: str = "") -> None:
    print(english)
    if indonesian:
        print(indonesian)


def _grouped(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}", f"tidak dapat membaca {path}") from exc


def _tender_key(path: str) -> TenderKeyFile:
    return parse_tender_key_file(_read_text(path))


def _private_key(path: str) -> ec.EllipticCurvePrivateKey:
    """A PEM private key (PKCS #8 or SEC 1), or the scalar d in base64url."""
    text = _read_text(path).strip()
    if "-----BEGIN" not in text:
        return private_from_scalar(b64u_decode(text))
    try:
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeError) as exc:
        raise SealError("bad_key", "the private key file is not a PEM private key") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SealError("bad_key", "the private key is not a P-256 key")
    return key


def _open_input(path: str) -> BinaryIO:
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller's with
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc}", f"tidak dapat membaca {path}") from exc


@contextmanager
def _output(path: str, force: bool) -> Iterator[BinaryIO]:
    """Write to PATH.part, then rename to PATH; remove the part file on any failure."""
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(
            f"{path} exists (use --force to replace it)",
            f"{path} sudah ada (pakai --force untuk menggantinya)",
        )
    part = target.with_name(target.name + ".part")
    try:
        handle = open(part, "wb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc}", f"tidak dapat menulis {path}") from exc
    try:
        with handle:
            yield handle
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _slot_of(key: TenderKeyFile, slot: str) -> str:
    if slot not in key.slots:
        raise UsageError(
            f"slot {slot!r} is not one of this key's slots: {', '.join(key.slots)}",
            f"slot {slot!r} bukan salah satu slot kunci ini: {', '.join(key.slots)}",
        )
    return slot


def _seal(key: TenderKeyFile, slot: str, src: BinaryIO, out: str, force: bool, **meta) -> None:
    with _output(out, force) as dst:
        result = seal_stream(
            src, dst, tender=key.tender, slot=slot, tender_public_raw=key.public_raw, **meta
        )
    _say(f"Sealed file / Berkas tersegel: {out}")
    _say(f"Tender: {key.tender}  Slot: {slot}  Envelope / Sampul: {key.envelope}")
    _say(f"Tender key / Kunci tender: {_grouped(key.fingerprint)}")
    _say(f"Size / Ukuran: {result.sealed_size} bytes")
    _say(f"SHA-256: {result.sha256}")
    _say(
        "Upload this file on the bid page; your receipt must show the same SHA-256.",
        "Unggah berkas ini di halaman penawaran; tanda terima harus menunjukkan SHA-256 yang sama.",
    )


def cmd_seal(args: argparse.Namespace) -> None:
    key = _tender_key(args.tender_key)
    slot = _slot_of(key, args.slot)
    if slot == bid_letter.SLOT:
        raise UsageError(
            "seal the bid letter with the `letter` command",
            "segel surat penawaran dengan perintah `letter`",
        )
    path = Path(args.file)
    content_type = args.type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    with _open_input(args.file) as src:
        size = os.fstat(src.fileno()).st_size
        out = args.output or f"{args.file}.inpseal"
        _seal(key, slot, src, out, args.force, name=path.name, content_type=content_type, size=size)


def cmd_letter(args: argparse.Namespace) -> None:
    key = _tender_key(args.tender_key)
    slot = _slot_of(key, bid_letter.SLOT)
    letter = bid_letter.make_bid_letter(key.tender, args.offer_price, args.validity_days)
    out = args.output or "surat-penawaran.json.inpseal"
    meta = {"name": bid_letter.NAME, "content_type": bid_letter.CONTENT_TYPE, "size": len(letter)}
    _seal(key, slot, io.BytesIO(letter), out, args.force, **meta)


def cmd_open(args: argparse.Namespace) -> None:
    private_key = _private_key(args.private_key)
    with _open_input(args.sealed) as src, _output(args.output, args.force) as dst:
        result = open_stream(
            src, dst, private_key=private_key, expect_tender=args.tender, expect_slot=args.slot
        )
    _say(f"Opened / Dibuka: {args.output}")
    _say(f"Sealed name / Nama tersegel: {result.name}  Type / Jenis: {result.content_type}")
    _say(f"Size / Ukuran: {result.size} bytes")
    _say(f"SHA-256 of the content / SHA-256 isi: {result.sha256_of_plaintext}")


def cmd_check(args: argparse.Namespace) -> None:
    key = _tender_key(args.tender_key)
    with _open_input(args.sealed) as src:
        slot = _slot_of(key, read_header(src).slot)
        src.seek(0)
        check_sealed(src, tender=key.tender, slot=slot, key_fingerprint=key.fingerprint)
        src.seek(0)
        digest = sealed_sha256(src)
        size = src.tell()
    _say(
        "The sealed file is well formed and sealed to this tender key.",
        "Berkas tersegel utuh dan disegel dengan kunci tender ini.",
    )
    _say(f"Tender: {key.tender}  Slot: {slot}")
    _say(f"Size / Ukuran: {size} bytes")
    _say(f"SHA-256: {digest}")


def _parser(command: str) -> tuple[argparse.ArgumentParser, Callable[[argparse.Namespace], None]]:
    prog = "python -m inaproc.seal" + ("" if command == "seal" else f" {command}")
    parser = _Parser(
        prog=prog,
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    force = "replace OUT if it exists"
    if command in {"seal", "letter", "check"}:
        parser.add_argument("--tender-key", required=True, metavar="KEY.pem")
    if command == "seal":
        parser.add_argument("--slot", required=True, help="one of the key file's Slots:")
        parser.add_argument("--type", help="content type (default: from the file name)")
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("-o", "--output", metavar="OUT", help="default: FILE.inpseal")
        parser.add_argument("--force", action="store_true", help=force)
        return parser, cmd_seal
    if command == "letter":
        parser.add_argument("--offer-price", required=True, type=int, help="whole rupiah")
        parser.add_argument("--validity-days", required=True, type=int)
        parser.add_argument("-o", "--output", metavar="OUT")
        parser.add_argument("--force", action="store_true", help=force)
        return parser, cmd_letter
    if command == "open":
        parser.add_argument("--private-key", required=True, metavar="KEY.pem")
        parser.add_argument("--tender", help="refuse a file sealed for another tender")
        parser.add_argument("--slot", help="refuse a file sealed for another slot")
        parser.add_argument("sealed", metavar="SEALED")
        parser.add_argument("-o", "--output", required=True, metavar="OUT")
        parser.add_argument("--force", action="store_true", help=force)
        return parser, cmd_open
    parser.add_argument("sealed", metavar="SEALED")
    return parser, cmd_check


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in COMMANDS else "seal"
    try:
        parser, run = _parser(command)
        run(parser.parse_args(argv))
    except UsageError as exc:
        print(f"error: {exc.english}\ngalat: {exc.indonesian}", file=sys.stderr)
        return 2
    except SealError as exc:
        print(f"refused ({exc.code}): {exc.message}", file=sys.stderr)
        print(f"ditolak ({exc.code}): {INDONESIAN[exc.code]}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}\ngalat: kesalahan berkas", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
