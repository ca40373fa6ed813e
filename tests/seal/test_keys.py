"""Tender keys and shares, the tender key file, and member opening key files."""

from __future__ import annotations

import itertools
import json
import unicodedata

import pytest
from cryptography.hazmat.primitives import serialization

from inaproc.seal import opening_key, tender_keys
from inaproc.seal.encoding import b64u_decode, b64u_encode, fingerprint, public_raw, scalar_of
from inaproc.seal.errors import SealError

TENDER = "12345000"
FAST = 600_000


def test_shares_wrapped_for_members_reconstruct_the_tender_key():
    """Publication and opening end to end: 3 members, 2 of 3; each share wraps for one
    member, unwraps with that member's key only, and any 2 give the tender key."""
    tender_key, tender_raw = tender_keys.make_tender_key()
    members = [tender_keys.make_tender_key()[0] for _ in range(3)]
    shares = tender_keys.split_tender_key(tender_key, 3, 2)
    wrapped = [
        tender_keys.wrap_share(public_raw(m), s, tender=TENDER, envelope=1)
        for m, s in zip(members, shares, strict=True)
    ]
    opened = [
        tender_keys.unwrap_share(m, epk, ct, tender=TENDER, envelope=1)
        for m, (epk, ct) in zip(members, wrapped, strict=True)
    ]
    assert opened == shares
    for pair in itertools.combinations(opened, 2):
        key = tender_keys.reconstruct(list(pair), expected_public_raw=tender_raw)
        assert scalar_of(key) == scalar_of(tender_key)
    with pytest.raises(SealError) as info:
        tender_keys.unwrap_share(members[1], *wrapped[0], tender=TENDER, envelope=1)
    assert info.value.code == "unwrap_failed"
    for tender, envelope in (("12345001", 1), (TENDER, 2)):
        with pytest.raises(SealError):
            tender_keys.unwrap_share(members[0], *wrapped[0], tender=tender, envelope=envelope)


def test_reconstruct_refuses_too_few_or_foreign_shares():
    """One share of a 2-of-3, or shares of another key, give key_mismatch or bad_share."""
    tender_key, tender_raw = tender_keys.make_tender_key()
    shares = tender_keys.split_tender_key(tender_key, 3, 3)
    with pytest.raises(SealError) as info:
        tender_keys.reconstruct(shares[:2], expected_public_raw=tender_raw)
    assert info.value.code == "key_mismatch"
    with pytest.raises(SealError) as info:
        tender_keys.reconstruct(shares[:1], expected_public_raw=tender_raw)
    assert info.value.code == "bad_share"
    with pytest.raises(SealError) as info:
        tender_keys.reconstruct([], expected_public_raw=tender_raw)
    assert info.value.code == "bad_share"


def test_threshold_one_reconstructs_from_d_itself():
    """k == 1: the share is d, and one member alone reconstructs the key."""
    tender_key, tender_raw = tender_keys.make_tender_key()
    shares = tender_keys.split_tender_key(tender_key, 2, 1)
    assert shares[0] == scalar_of(tender_key)
    key = tender_keys.reconstruct(shares[:1], expected_public_raw=tender_raw)
    assert public_raw(key) == tender_raw
    assert public_raw(tender_keys.reconstruct(shares, expected_public_raw=tender_raw)) == tender_raw


def test_pems():
    """The private PEM is PKCS #8 and the public PEM is SPKI of the same key."""
    key, raw = tender_keys.make_tender_key()
    private = serialization.load_pem_private_key(tender_keys.private_pem(key).encode(), None)
    public = serialization.load_pem_public_key(tender_keys.public_pem(raw).encode())
    assert public_raw(private) == raw == public_raw(public)
    assert "BEGIN PRIVATE KEY" in tender_keys.private_pem(key)


def test_tender_key_file_round_trip():
    """The key file states tender, envelope, slots and fingerprint before the PEM, and
    both our parser and cryptography's PEM loader read it."""
    _, raw = tender_keys.make_tender_key()
    text = tender_keys.tender_key_file(TENDER, 2, ["file2", "surat_penawaran"], raw)
    assert f"Fingerprint: {fingerprint(raw)}\n" in text
    parsed = tender_keys.parse_tender_key_file(text)
    assert parsed == tender_keys.TenderKeyFile(
        tender=TENDER,
        envelope=2,
        slots=("file2", "surat_penawaran"),
        fingerprint=fingerprint(raw),
        public_raw=raw,
    )
    assert public_raw(serialization.load_pem_public_key(text.encode())) == raw
    assert tender_keys.parse_tender_key_file(text.replace("\n", "\r\n")) == parsed


def test_tender_key_file_refuses_lies_and_damage():
    """A fingerprint that is not the key's, a missing line, a damaged PEM: bad_key_file."""
    _, raw = tender_keys.make_tender_key()
    _, other = tender_keys.make_tender_key()
    good = tender_keys.tender_key_file(TENDER, 1, ["penawaran"], raw)
    bad = [
        good.replace(fingerprint(raw), fingerprint(other)),
        good.replace("Tender: 12345000\n", ""),
        good.replace("Envelope: 1", "Envelope: 3"),
        good.replace("Slots: penawaran", "Slots: "),
        good.replace("MFkw", "MFkx"),
        "Tender: 1\n",
        "",
    ]
    for text in bad:
        with pytest.raises(SealError) as info:
            tender_keys.parse_tender_key_file(text)
        assert info.value.code == "bad_key_file"


def test_opening_key_file_opens_with_its_passphrase_only():
    """The right passphrase gives the key; a wrong one is bad_passphrase."""
    data, key = opening_key.make_opening_key_file(
        "kata sandi panjang", portal="lpse-a", username="pokja1", iterations=FAST
    )
    assert data["fingerprint"] == fingerprint(public_raw(key))
    assert len(b64u_decode(data["kdf"]["salt"])) == 16 and len(b64u_decode(data["iv"])) == 12
    loaded = opening_key.load_opening_key_file(json.dumps(data), "kata sandi panjang")
    assert scalar_of(loaded) == scalar_of(key)
    with pytest.raises(SealError) as info:
        opening_key.load_opening_key_file(data, "kata sandi salah")
    assert info.value.code == "bad_passphrase"


def test_opening_key_passphrase_is_nfc_normalised():
    """A passphrase typed as NFD (é as e + combining accent) opens an NFC-made file."""
    nfc = unicodedata.normalize("NFC", "rahasia café")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    data, key = opening_key.make_opening_key_file(nfd, portal="p", username="u")
    assert public_raw(opening_key.load_opening_key_file(data, nfc)) == public_raw(key)
    assert public_raw(opening_key.load_opening_key_file(data, nfd)) == public_raw(key)


def test_weak_kdf_is_refused():
    """Fewer than 600 000 iterations: weak_kdf, both when making and when loading."""
    data, _ = opening_key.make_opening_key_file("x", portal="p", username="u")
    data["kdf"]["iterations"] = 599_999
    with pytest.raises(SealError) as info:
        opening_key.load_opening_key_file(data, "x")
    assert info.value.code == "weak_kdf"
    with pytest.raises(SealError) as info:
        opening_key.make_opening_key_file("x", portal="p", username="u", iterations=1000)
    assert info.value.code == "weak_kdf"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(format="other"),
        lambda d: d.update(fingerprint="0" * 64),
        lambda d: d.update(iv="AAAA"),
        lambda d: d.pop("private_key"),
        lambda d: d.update(public_key="BAAA"),
        lambda d: d["kdf"].update(name="scrypt"),
        lambda d: d["kdf"].update(iterations="600000"),
        lambda d: d["kdf"].update(iterations=10**9),
        lambda d: d.update(kdf=None),
    ],
)
def test_malformed_opening_key_files(mutate):
    """Damaged or foreign key files are refused with a SealError, never another error."""
    data, _ = opening_key.make_opening_key_file("x", portal="p", username="u")
    mutate(data)
    with pytest.raises(SealError) as info:
        opening_key.load_opening_key_file(data, "x")
    assert info.value.code in {"bad_key_file", "weak_kdf"}


def test_opening_key_file_with_another_public_key_is_key_mismatch():
    """A file whose encrypted key is not its stated public key (re-encrypted by hand
    under the same passphrase) is key_mismatch."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data, key = opening_key.make_opening_key_file("x", portal="p", username="u")
    other, other_raw = tender_keys.make_tender_key()
    data["public_key"], data["fingerprint"] = b64u_encode(other_raw), fingerprint(other_raw)
    salt = b64u_decode(data["kdf"]["salt"])
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    kek = opening_key._derive("x", salt, 600_000)
    iv = b64u_decode(data["iv"])
    data["private_key"] = b64u_encode(AESGCM(kek).encrypt(iv, der, fingerprint(other_raw).encode()))
    with pytest.raises(SealError) as info:
        opening_key.load_opening_key_file(data, "x")
    assert info.value.code == "key_mismatch"


def test_opening_key_file_text_that_is_not_json():
    """Text that is not a JSON object is bad_key_file."""
    for text in ("", "[]", "{", "null"):
        with pytest.raises(SealError) as info:
            opening_key.load_opening_key_file(text, "x")
        assert info.value.code == "bad_key_file"
