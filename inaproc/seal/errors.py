"""The one exception of the sealing format. Callers branch on `code` (stable, part of the
API) and translate it; `message` is English, for logs and the offline tool."""

from __future__ import annotations

CODES = frozenset(
    {
        "bad_encoding",  # base64url that is not base64url
        "bad_key",  # a public or private key that is not a valid P-256 key
        "bad_magic",  # not a sealed file (first 8 bytes are not INPSEAL1)
        "bad_header",  # header length or JSON not as docs/sealed-bids.md says
        "wrong_tender",  # sealed for (or a letter about) another tender
        "wrong_slot",  # sealed for another slot
        "wrong_key",  # sealed to another tender key than the one given
        "unwrap_failed",  # ECIES unwrap failed (wrong key, changed epk/wk/context)
        "meta_failed",  # the name/type/size block does not decrypt or parse
        "record_failed",  # a record does not authenticate (changed, reordered, appended)
        "truncated",  # the file ends too early or its record framing is impossible
        "size_mismatch",  # bytes opened (or read while sealing) differ from the size stated
        "bad_share",  # Shamir shares unusable (too few, duplicate x, lengths differ)
        "key_mismatch",  # a reconstructed or loaded key is not the expected public key
        "bad_passphrase",  # the opening key file does not decrypt with this passphrase
        "weak_kdf",  # an opening key file with fewer than 600 000 PBKDF2 iterations
        "bad_key_file",  # a tender key file or opening key file that is malformed
        "bad_letter",  # a bid letter not in the format inaproc-bid-letter-1
        "bad_argument",  # a caller passed an impossible value (size, slot code, ...)
    }
)


class SealError(Exception):
    """A sealed file, key, share or letter that cannot be used, with a stable `code`."""

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:  # pragma: no cover - a programming error
            raise ValueError(f"unknown SealError code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
