"""The opening of an envelope (SEALED-BIDS.md §4). Members send their shares after the
deadline; at k shares the server rebuilds the tender private key, checks it against the
tender public key, opens every bid (each in its own transaction, so a re-run after a
crash opens nothing twice), keeps the opened files as private documents of the tender,
publishes the opening record and the private key in the transparency log."""

import itertools
import logging
import tempfile
from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.bids.models import (
    BidOpening,
    BidVersion,
    KeyShare,
    OpenedFile,
    OpeningShare,
    OpeningStatus,
    TenderKey,
)
from inaproc.bids.selectors.bids import slot_rules
from inaproc.bids.selectors.opening import bids_to_open, opening_refusal
from inaproc.bids.services.bids import receipt_hash
from inaproc.bids.slots import BID_LETTER
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.files.storage import document_open, stream_store
from inaproc.seal.bid_letter import parse_bid_letter
from inaproc.seal.encoding import b64u_encode, private_from_scalar, scalar_of
from inaproc.seal.errors import SealError
from inaproc.seal.sealed_file import open_stream
from inaproc.seal.tender_keys import private_pem, reconstruct
from inaproc.tenders.selectors.participation import package_with_stages
from inaproc.translog.services import append_entry, utc_iso

logger = logging.getLogger(__name__)
# Recorded on a file that opened but whose type the tender's rules did not allow.
TYPE_NOT_ALLOWED = "type_not_allowed"
# Shares to try together at most: C(n, k) grows fast; a Pokja has a handful of members.
_MAX_COMBINATIONS = 5_000


class OpeningRefused(ApplicationError):
    """The share was not accepted or the envelope cannot be opened; the message says why."""


def _key_locked(key_id: int) -> TenderKey:
    key = TenderKey.objects.select_for_update().select_related("package__portal").get(pk=key_id)
    package_with_stages(key.package, list(key.package.stages.all()))
    return key


def opening_share_submit(
    *,
    key: TenderKey,
    member: User,
    share: bytes,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> bool:
    """Record `member`'s decrypted share of `key`. Returns whether the private key was
    rebuilt now (then the bids are opened: `envelope_open`). Shares sent before the
    deadline, from someone who holds no share of this key, twice, or of the wrong size are
    refused and not stored."""
    with transaction.atomic():
        locked = _key_locked(key.pk)
        refusal = opening_refusal(locked, now=now or timezone.now())
        if refusal:
            raise OpeningRefused(refusal)
        if not KeyShare.objects.filter(tender_key=locked, member=member).exists():
            raise OpeningRefused(_("You hold no share of this tender's key."))
        if len(share) != (32 if locked.threshold == 1 else 33):
            raise OpeningRefused(_("This is not a share of this tender's key."))
        try:
            with transaction.atomic():
                OpeningShare.objects.create(tender_key=locked, member=member, share=share)
        except IntegrityError:
            raise OpeningRefused(_("You have already sent your share.")) from None
        audit_record(
            actor=member,
            verb="bids.share_sent",
            target=locked.package,
            portal=locked.package.portal,
            payload={"code": locked.package.code, "envelope": locked.envelope},
            context=context,
        )
        rebuilt = _rebuild(locked)
    return rebuilt


def _rebuild(key: TenderKey) -> bool:
    """Try the shares sent so far, k at a time, until one set rebuilds the private key
    that matches the tender public key (a wrong share, e.g. from another tender, only
    makes its sets fail)."""
    shares = [
        bytes(row.share) for row in OpeningShare.objects.filter(tender_key=key).order_by("pk")
    ]
    if len(shares) < key.threshold:
        return False
    public = bytes(key.public_key)
    candidates: Iterable[list[bytes]]
    if key.threshold == 1:
        candidates = [[share] for share in shares]
    else:
        # The newest share is in every set worth trying: without it they failed before.
        newest, older = shares[-1], shares[:-1]
        candidates = (
            [*combo, newest] for combo in itertools.combinations(older, key.threshold - 1)
        )
    for n, candidate in enumerate(candidates):
        if n >= _MAX_COMBINATIONS:
            break
        try:
            private = reconstruct(candidate, expected_public_raw=public)
        except SealError:
            continue
        key.private_scalar = scalar_of(private)
        key.save(update_fields=["private_scalar"])
        return True
    return False


def envelope_open(*, key: TenderKey) -> TenderKey:
    """Open every bid of the envelope whose private key has been rebuilt. Idempotent: a
    file or bid already opened is skipped, so it may be re-run after a crash."""
    key = TenderKey.objects.select_related("package__portal").get(pk=key.pk)
    if key.private_scalar is None or key.opened_at is not None:
        return key
    private = private_from_scalar(bytes(key.private_scalar))
    for version in bids_to_open(key):
        with transaction.atomic():
            _open_bid(key, version, private)
    with transaction.atomic():
        locked = _key_locked(key.pk)
        if locked.opened_at is not None:
            return locked
        locked.opened_at = timezone.now()
        locked.save(update_fields=["opened_at"])
        _publish_record(locked)
    return locked


def _open_bid(key: TenderKey, version: BidVersion, private) -> None:
    # Two openers at once (the request and the task) take turns on each bid.
    BidVersion.objects.select_for_update().filter(pk=version.pk).first()
    if BidOpening.objects.filter(tender_key=key, bid_version=version).exists():
        return
    package = key.package
    results: list[OpenedFile] = []
    letter = None
    for sealed in version.files.filter(envelope=key.envelope).order_by("pk"):
        opened = OpenedFile.objects.filter(tender_key=key, sealed_file=sealed).first()
        if opened is None:
            opened = _open_file(key, sealed, private)
        results.append(opened)
        if sealed.slot == BID_LETTER and opened.status == OpeningStatus.OPENED:
            letter = _read_letter(opened, tender=str(package.code))
            if letter is None:
                opened.status = OpeningStatus.FAILED
                opened.error_code = "bad_letter"
                opened.save(update_fields=["status", "error_code"])
    status = (
        OpeningStatus.OPENED
        if results and all(result.status == OpeningStatus.OPENED for result in results)
        else OpeningStatus.FAILED
    )
    BidOpening.objects.create(
        tender_key=key,
        bid_version=version,
        status=status,
        offer_price=letter.offer_price if letter else None,
        validity_days=letter.validity_days if letter else None,
    )


def _open_file(key: TenderKey, sealed, private) -> OpenedFile:
    package = key.package
    with document_open(name=sealed.stored_name) as source, tempfile.TemporaryFile() as plain:
        try:
            result = open_stream(
                cast(BinaryIO, source),
                plain,
                private_key=private,
                expect_tender=str(package.code),
                expect_slot=sealed.slot,
            )
        except SealError as error:
            return OpenedFile.objects.create(
                tender_key=key,
                sealed_file=sealed,
                status=OpeningStatus.FAILED,
                error_code=error.code,
            )
        plain.seek(0)
        stored = stream_store(
            source=plain,
            portal_id=package.portal_id,
            extension="bin",
            content_type=result.content_type[:100] or "application/octet-stream",
        )
    return OpenedFile.objects.create(
        tender_key=key,
        sealed_file=sealed,
        status=OpeningStatus.OPENED,
        # Opened all the same: the Pokja weighs a file of a type the tender did not allow.
        error_code="" if _type_allowed(package, sealed.slot, result.name) else TYPE_NOT_ALLOWED,
        stored_name=stored.name,
        original_name=(result.name or "")[:255],
        content_type=(result.content_type or "")[:100],
        size=stored.size,
        sha256=stored.sha256,
    )


def _type_allowed(package, slot: str, name: str) -> bool:
    """Whether the opened file's name has an extension the tender's rule for the slot
    allows (the portal cannot check it before the opening: the name is sealed too)."""
    _max_mb, extensions = slot_rules(package).get(slot, (0, ()))
    extension = name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    return not extensions or extension in extensions


def _read_letter(opened: OpenedFile, *, tender: str):
    with document_open(name=opened.stored_name) as plain:
        data = plain.read(64 * 1024 + 1)
    try:
        return parse_bid_letter(data, tender=tender)
    except SealError:
        return None


def _publish_record(key: TenderKey) -> None:
    """The opening record and the private key, in the portal's transparency log."""
    package = key.package
    rows = []
    for opening in BidOpening.objects.filter(tender_key=key).select_related(
        "bid_version__participation__company"
    ):
        version = opening.bid_version
        files = OpenedFile.objects.filter(tender_key=key, sealed_file__in=version.files.all())
        rows.append(
            {
                "company_npwp": version.participation.company.npwp,
                "company_name": version.participation.company.name,
                "bid_version": version.number,
                "receipt_sha256": receipt_hash(version.receipt),
                "result": opening.status,
                "offer_price": str(opening.offer_price)
                if opening.offer_price is not None
                else None,
                "files": [
                    {
                        "slot": file.sealed_file.slot,
                        "sealed_sha256": file.sealed_file.sha256,
                        "result": file.status,
                        "error": file.error_code or None,
                    }
                    for file in files.select_related("sealed_file").order_by("pk")
                ],
            }
        )
    opened_at = utc_iso(key.opened_at) if key.opened_at else None
    append_entry(
        portal=package.portal,
        kind="tender.opening_record",
        body={
            "tender": str(package.code),
            "envelope": key.envelope,
            "opened_at": opened_at,
            "bids": rows,
        },
    )
    private = private_from_scalar(bytes(key.private_scalar or b""))
    append_entry(
        portal=package.portal,
        kind="tender.private_key_published",
        body={
            "tender": str(package.code),
            "envelope": key.envelope,
            "public_key_fingerprint": key.fingerprint,
            "private_key": b64u_encode(bytes(key.private_scalar or b"")),
            "private_key_pem": private_pem(private),
        },
    )
    audit_record(
        actor=None,
        verb="bids.envelope_opened",
        target=package,
        portal=package.portal,
        payload={"code": package.code, "envelope": key.envelope, "bids": len(rows)},
    )
