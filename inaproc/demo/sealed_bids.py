"""Sealed bids in the demo: the officials' opening keys, with their key files written to
DEMO_KEY_DIR (passphrase: the official's printed password) so that a visitor can open a
demo tender; and the tender keys of the demo tenders, made here the way the browser makes
them (the private keys are forgotten at once, as the browser forgets them); and the demo
company's sealed bid on the tender whose opening stage runs."""

import io
import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from inaproc.accounts.models import User
from inaproc.bids.models import BidVersion, TenderKey
from inaproc.bids.selectors.keys import current_opening_key, key_holders, opening_threshold
from inaproc.bids.services.bids import bid_submit, sealed_file_store
from inaproc.bids.services.ceremony import EnvelopeIn, ShareIn, tender_keys_record
from inaproc.bids.services.keys import opening_key_register
from inaproc.bids.slots import BID_LETTER, envelopes_for, slots_for
from inaproc.portals.models import Portal
from inaproc.seal.bid_letter import make_bid_letter
from inaproc.seal.encoding import b64u_decode
from inaproc.seal.opening_key import make_opening_key_file
from inaproc.seal.sealed_file import seal_stream
from inaproc.seal.tender_keys import make_tender_key, split_tender_key, wrap_share
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.selectors.participation import bid_deadline, package_with_stages
from inaproc.vendors.models import CompanyMember


@lru_cache(maxsize=64)
def _key_file(portal_slug: str, username: str, passphrase: str) -> str:
    # The slow key derivation (600 000 rounds) once per official and process: the test
    # suite loads the demo many times.
    data, _private = make_opening_key_file(passphrase, portal=portal_slug, username=username)
    return json.dumps(data, indent=2)


def demo_key_path(portal: Portal, username: str) -> Path:
    return Path(settings.DEMO_KEY_DIR) / f"{portal.slug}-{username}.inpkey"


def demo_opening_key(*, portal: Portal, user: User, passphrase: str) -> Path:
    """Give `user` an opening key (unless it has one) and write its key file."""
    text = _key_file(portal.slug, user.get_username(), passphrase)
    path = demo_key_path(portal, user.get_username())
    if current_opening_key(user) is None:
        opening_key_register(user=user, public_key=b64u_decode(json.loads(text)["public_key"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def ceremony_envelopes(package: Package) -> list[EnvelopeIn]:
    """What the tender keys page's browser sends: a fresh key pair per envelope, its
    private key split among the current key holders and wrapped for each."""
    keys = [holder.key for holder in key_holders(package) if holder.key is not None]
    threshold = opening_threshold(package)
    envelopes = []
    for envelope in envelopes_for(package):
        private, raw = make_tender_key()
        shares = split_tender_key(private, len(keys), threshold)
        wrapped = []
        for key, share in zip(keys, shares, strict=True):
            epk, ciphertext = wrap_share(
                bytes(key.public_key), share, tender=str(package.code), envelope=envelope
            )
            wrapped.append(ShareIn(key.fingerprint, epk, ciphertext))
        envelopes.append(EnvelopeIn(envelope, raw, tuple(wrapped)))
    return envelopes


def demo_tender_keys(package: Package, *, by: User) -> list[TenderKey]:
    return tender_keys_record(package=package, user=by, envelopes=ceremony_envelopes(package))


def demo_bid(
    package: Package, member: CompanyMember, *, price: int | None = None, hours_early: int = 1
) -> BidVersion:
    """A demo company's bid on a tender whose bids are closed (its opening stage runs):
    sealed here as the offline tool seals, received `hours_early` hours before the
    deadline, so a visitor can open it with the officials' demo key files. `price`: the
    bid letter's offer (96 % of the HPS unless given)."""
    deadline = bid_deadline(package_with_stages(package, list(package.stages.all())))
    if deadline is None:
        raise ValueError(f"demo package {package.name} has no bid deadline")
    received = deadline - timedelta(hours=hours_early)
    participation = Participation.objects.create(
        package=package,
        company=member.company,
        joined_by=member.user,
        integrity_pact_agreed_at=received - timedelta(days=1),
    )
    contents = {
        "penawaran": ("penawaran.pdf", "application/pdf", _pdf("Dokumen Penawaran")),
        "kualifikasi": ("kualifikasi.pdf", "application/pdf", _pdf("Dokumen Kualifikasi")),
        BID_LETTER: (
            "surat-penawaran.json",
            "application/json",
            make_bid_letter(str(package.code), price or int(package.hps * 96 / 100), 60),
        ),
    }
    for slot in slots_for(package):
        name, content_type, data = contents[slot.code]
        key = TenderKey.objects.get(package=package, envelope=slot.envelope)
        sealed = io.BytesIO()
        seal_stream(
            io.BytesIO(data),
            sealed,
            tender=str(package.code),
            slot=slot.code,
            tender_public_raw=bytes(key.public_key),
            name=name,
            content_type=content_type,
            size=len(data),
        )
        sealed.seek(0)
        sealed_file_store(
            participation=participation,
            user_id=member.user_id,
            slot_code=slot.code,
            source=sealed,
            now=received,
        )
    return bid_submit(participation=participation, user=member.user, now=received)


def _pdf(title: str) -> bytes:
    return b"%PDF-1.4\n% " + title.encode("ascii") + b" (demo)\n%%EOF\n"
