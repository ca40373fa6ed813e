"""Sealed-bid test data made in Python the way the browser makes it: officials' opening
keys (private halves kept here, in the test's memory), tender keys split among them,
sealed files, submitted bids."""

import io
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric import ec

from inaproc.bids.models import KeyShare, OpeningKey, TenderKey
from inaproc.bids.selectors.keys import key_holders
from inaproc.bids.services.bids import sealed_file_store
from inaproc.bids.services.ceremony import tender_keys_record
from inaproc.bids.slots import BID_LETTER, slots_for
from inaproc.demo.sealed_bids import ceremony_envelopes
from inaproc.seal.bid_letter import make_bid_letter
from inaproc.seal.encoding import fingerprint, public_raw
from inaproc.seal.sealed_file import seal_stream
from inaproc.seal.tender_keys import unwrap_share

# The private halves of the opening keys made here, by fingerprint.
OPENING_PRIVATE: dict[str, ec.EllipticCurvePrivateKey] = {}


def make_opening_key(user) -> OpeningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    raw = public_raw(private)
    OPENING_PRIVATE[fingerprint(raw)] = private
    return OpeningKey.objects.create(
        portal=user.portal, user=user, public_key=raw, fingerprint=fingerprint(raw)
    )


def make_tender_keys(package, *, with_opening_keys: bool = True) -> list[TenderKey]:
    """What the ceremony in the browser does, done in Python (`package` assigned, not yet
    published): opening keys for the officials who lack one (unless told not to), then a
    key per envelope shared k-of-n through the real service."""
    holders = key_holders(package)
    if not holders:
        return []
    if with_opening_keys:
        for holder in holders:
            if holder.key is None:
                make_opening_key(holder.user)
    return tender_keys_record(
        package=package, user=holders[0].user, envelopes=ceremony_envelopes(package)
    )


def sealed_bytes(package, slot: str, content: bytes, *, name: str = "dokumen.pdf") -> bytes:
    envelope = next(s.envelope for s in slots_for(package) if s.code == slot)
    key = TenderKey.objects.get(package=package, envelope=envelope)
    out = io.BytesIO()
    seal_stream(
        io.BytesIO(content),
        out,
        tender=str(package.code),
        slot=slot,
        tender_public_raw=bytes(key.public_key),
        name=name,
        content_type="application/pdf",
        size=len(content),
    )
    return out.getvalue()


def letter_bytes(package, *, price: int = 900_000_000, days: int = 60) -> bytes:
    letter = make_bid_letter(str(package.code), price, days)
    return sealed_bytes(package, BID_LETTER, letter, name="surat-penawaran.json")


def fill_draft(participation, user, *, price: int = 900_000_000, content: bytes = b"%PDF-1.4 bid"):
    """One file in every slot of the bid (the letter with `price`)."""
    package = participation.package
    for slot in slots_for(package):
        data = (
            letter_bytes(package, price=price)
            if slot.code == BID_LETTER
            else sealed_bytes(package, slot.code, content + slot.code.encode())
        )
        sealed_file_store(
            participation=participation,
            user_id=user.pk,
            slot_code=slot.code,
            source=io.BytesIO(data),
        )


def my_share(key: TenderKey, member) -> bytes:
    """The member's share as the member's browser would decrypt it."""
    row = KeyShare.objects.select_related("opening_key").get(tender_key=key, member=member)
    private = OPENING_PRIVATE[row.opening_key.fingerprint]
    return unwrap_share(
        private,
        bytes(row.ephemeral_key),
        bytes(row.ciphertext),
        tender=str(key.package.code),
        envelope=key.envelope,
    )


def after_deadline(package):
    """A moment inside the opening stage of envelope 1."""
    stage = package.stages.get(key="pembukaan_penawaran")
    return stage.starts_at + timedelta(minutes=1)


def upload_capability(client, package) -> str:
    """The upload capability the bid page gives its script, asked for as the script asks
    (`izin-unggah/`) by a signed-in test client."""
    answer = client.get(
        f"/{package.portal.slug}/perusahaan/tender/{package.code}/penawaran/izin-unggah/"
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["capability"]
