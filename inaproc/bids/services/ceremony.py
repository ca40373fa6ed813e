"""The tender key ceremony: the browser of an official who runs the package makes one key
pair per envelope, splits each private key among the officials' opening keys and sends
only the public keys and the wrapped shares. The server checks what it can check — the
envelopes, the threshold, one share for exactly each current key holder, valid points —
and replaces any earlier set while the package is not yet published."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.bids.models import KeyShare, TenderKey
from inaproc.bids.selectors.keys import key_holders, opening_threshold
from inaproc.bids.slots import envelopes_for
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.seal.encoding import b64u_decode, fingerprint, load_public_raw
from inaproc.seal.errors import SealError
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.services.locks import package_locked

# A wrapped share: a 33-byte Shamir share (32 bytes with a threshold of 1) + the GCM tag.
_WRAPPED_SIZES = {33 + 16, 32 + 16}


class CeremonyRefused(ApplicationError):
    """The tender keys were not accepted; the message says why."""


@dataclass(frozen=True)
class ShareIn:
    fingerprint: str
    ephemeral_key: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class EnvelopeIn:
    envelope: int
    public_key: bytes
    shares: tuple[ShareIn, ...]


def ceremony_payload_parse(data: object) -> list[EnvelopeIn]:
    """The browser's JSON: {"envelopes": [{"envelope", "public_key", "shares": [{
    "fingerprint", "epk", "ciphertext"}]}]}, with keys and ciphertexts in b64u."""
    bad = CeremonyRefused(_("The tender keys sent by the browser are not readable."))
    if not isinstance(data, dict) or not isinstance(data.get("envelopes"), list):
        raise bad
    envelopes: list[EnvelopeIn] = []
    try:
        for item in data["envelopes"]:
            shares = tuple(
                ShareIn(
                    fingerprint=str(share["fingerprint"]),
                    ephemeral_key=b64u_decode(str(share["epk"])),
                    ciphertext=b64u_decode(str(share["ciphertext"])),
                )
                for share in item["shares"]
            )
            envelopes.append(
                EnvelopeIn(int(item["envelope"]), b64u_decode(str(item["public_key"])), shares)
            )
    except (KeyError, TypeError, ValueError, SealError):
        raise bad from None
    return envelopes


def tender_keys_record(
    *,
    package: Package,
    user: User,
    envelopes: list[EnvelopeIn],
    context: AuditContext | None = None,
) -> list[TenderKey]:
    with transaction.atomic():
        locked = package_locked(package.pk)
        if locked.state != PackageState.ASSIGNED or not is_runner(package=locked, user=user):
            raise CeremonyRefused(_("The tender keys of this package cannot be made now."))
        holders = [holder for holder in key_holders(locked) if holder.key is not None]
        threshold = opening_threshold(locked)
        if len(holders) < threshold:
            raise CeremonyRefused(
                _("Fewer officials have an opening key than are needed to open the bids.")
            )
        _check(envelopes, expected=list(envelopes_for(locked)), holders=holders)
        TenderKey.objects.filter(package=locked).delete()
        by_print = {holder.key.fingerprint: holder for holder in holders if holder.key}
        made: list[TenderKey] = []
        for envelope in envelopes:
            key = TenderKey.objects.create(
                package=locked,
                envelope=envelope.envelope,
                public_key=envelope.public_key,
                fingerprint=fingerprint(envelope.public_key),
                threshold=threshold,
                created_by=user,
            )
            KeyShare.objects.bulk_create(
                KeyShare(
                    tender_key=key,
                    member=by_print[share.fingerprint].user,
                    opening_key=by_print[share.fingerprint].key,
                    ephemeral_key=share.ephemeral_key,
                    ciphertext=share.ciphertext,
                )
                for share in envelope.shares
            )
            made.append(key)
        audit_record(
            actor=user,
            verb="bids.tender_keys_made",
            target=locked,
            portal=locked.portal,
            payload={
                "code": locked.code,
                "threshold": threshold,
                "keys": {str(key.envelope): key.fingerprint for key in made},
                "holders": sorted(by_print),
            },
            context=context,
        )
    return made


def _check(envelopes: list[EnvelopeIn], *, expected: list[int], holders: list) -> None:
    if sorted(envelope.envelope for envelope in envelopes) != expected:
        raise CeremonyRefused(_("The tender keys do not match the envelopes of this tender."))
    wanted = sorted(holder.key.fingerprint for holder in holders)
    publics: set[bytes] = set()
    for envelope in envelopes:
        try:
            load_public_raw(envelope.public_key)
            for share in envelope.shares:
                load_public_raw(share.ephemeral_key)
        except SealError:
            raise CeremonyRefused(_("A key sent by the browser is not valid.")) from None
        if envelope.public_key in publics:
            raise CeremonyRefused(_("Each envelope needs its own tender key."))
        publics.add(envelope.public_key)
        if sorted(share.fingerprint for share in envelope.shares) != wanted:
            raise CeremonyRefused(
                _(
                    "The shares do not match the officials' current opening keys: reload "
                    "the page and make the keys again."
                )
            )
        if any(len(share.ciphertext) not in _WRAPPED_SIZES for share in envelope.shares):
            raise CeremonyRefused(_("A share sent by the browser is not valid."))
