"""Sealed bids in the demo: the officials' opening keys, with their key files written to
DEMO_KEY_DIR (passphrase: the official's printed password) so that a visitor can open a
demo tender; and the tender keys of the demo tenders, made here the way the browser makes
them (the private keys are forgotten at once, as the browser forgets them)."""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from inaproc.accounts.models import User
from inaproc.bids.models import TenderKey
from inaproc.bids.selectors.keys import current_opening_key, key_holders, opening_threshold
from inaproc.bids.services.ceremony import EnvelopeIn, ShareIn, tender_keys_record
from inaproc.bids.services.keys import opening_key_register
from inaproc.bids.slots import envelopes_for
from inaproc.portals.models import Portal
from inaproc.seal.encoding import b64u_decode
from inaproc.seal.opening_key import make_opening_key_file
from inaproc.seal.tender_keys import make_tender_key, split_tender_key, wrap_share
from inaproc.tenders.models import Package


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
    holders = [holder for holder in key_holders(package) if holder.key is not None]
    threshold = opening_threshold(package)
    envelopes = []
    for envelope in envelopes_for(package):
        private, raw = make_tender_key()
        shares = split_tender_key(private, len(holders), threshold)
        wrapped = []
        for holder, share in zip(holders, shares, strict=True):
            epk, ciphertext = wrap_share(
                bytes(holder.key.public_key), share, tender=str(package.code), envelope=envelope
            )
            wrapped.append(ShareIn(holder.key.fingerprint, epk, ciphertext))
        envelopes.append(EnvelopeIn(envelope, raw, tuple(wrapped)))
    return envelopes


def demo_tender_keys(package: Package, *, by: User) -> list[TenderKey]:
    return tender_keys_record(package=package, user=by, envelopes=ceremony_envelopes(package))
