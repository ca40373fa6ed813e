"""A company's bid: sealed files uploaded into its draft, submitted as a version with a
signed receipt, replaced until the deadline, withdrawn. What counts is the moment the
server commits the complete, checked bid, by the server clock."""

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import IO, BinaryIO, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.bids.models import BidState, BidVersion, SealedFile
from inaproc.bids.seal_messages import seal_error_message
from inaproc.bids.selectors.bids import (
    current_bid,
    draft_files,
    participation_locked_with_draft,
    slot_views,
    tender_key_fingerprint,
    upload_open,
)
from inaproc.bids.slots import slot_of
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.files.storage import StoredFile, document_delete, file_adopt, stream_store
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.seal.errors import SealError
from inaproc.seal.sealed_file import check_sealed
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.selectors.participation import acting_members, package_with_stages
from inaproc.tenders.services.participation_mail import email_to
from inaproc.translog.services import append_entry, signed_entry_document, utc_iso

RECEIPT_EMAIL = "bids/email/receipt"


class BidRefused(ApplicationError):
    """The upload or the bid was not accepted; the message says why."""


def _participation_locked(participation: Participation) -> Participation:
    """The participation's row locked (one writer of its draft at a time), with its
    package, portal, company and stages. Those the caller read in this request are
    reused (the resumable-upload path reads them just before): a read under the lock
    would be no fresher a moment later, and the deadline's requests are counted."""
    package = participation.package
    if "stages" in getattr(package, "_prefetched_objects_cache", {}) and (
        Participation.company.is_cached(participation) and Package.portal.is_cached(package)
    ):
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        locked.package, locked.company = package, participation.company
        return locked
    locked = (
        Participation.objects.select_for_update()
        .select_related("package__portal", "company")
        .get(pk=participation.pk)
    )
    package = locked.package
    package_with_stages(package, list(package.stages.all()))
    return locked


def _participation_locked_with_draft(
    participation: Participation,
) -> tuple[Participation, list[SealedFile]]:
    """`_participation_locked` and the draft files read under the lock; in one statement
    when the caller read the participation's package, company and stages in this
    request (the resumable upload's and the submit's path)."""
    package = participation.package
    if "stages" in getattr(package, "_prefetched_objects_cache", {}) and (
        Participation.company.is_cached(participation) and Package.portal.is_cached(package)
    ):
        found = participation_locked_with_draft(participation.pk)
        if found is None:
            raise Participation.DoesNotExist
        locked, files = found
        locked.package, locked.company = package, participation.company
        return locked, files
    locked = _participation_locked(participation)
    return locked, list(draft_files(locked))


def _check_open(participation: Participation, now: datetime) -> None:
    if not upload_open(participation.package, now=now):
        raise BidRefused(_("Bids are not received now: the upload stage is closed."))


def _sealed_file_write(
    portal_id: int, source: IO[bytes], source_path: Path | None, source_sha256: str | None
) -> StoredFile:
    sealed = {"extension": "inpseal", "content_type": "application/octet-stream"}
    if source_path is not None:
        return file_adopt(path=source_path, portal_id=portal_id, sha256=source_sha256, **sealed)
    source.seek(0)
    return stream_store(source=source, portal_id=portal_id, **sealed)


def sealed_file_store(
    *,
    participation: Participation,
    user_id: int,
    slot_code: str,
    source: IO[bytes],
    claimed_sha256: str | None = None,
    source_path: Path | None = None,
    source_sha256: str | None = None,
    rules: dict[str, tuple[int, tuple[str, ...]]] | None = None,
    now: datetime | None = None,
    savepoint: bool = True,
) -> SealedFile:
    """Check a sealed file (its header names this tender, this slot and the envelope's
    tender key; its records are framed right), store it, and add it to the draft. When
    the uploader's browser stated the sealed hash, a different hash is refused. `source`
    must be seekable (it is read twice). `source_path`: the file `source` reads, when the
    caller removes it afterwards (a finished resumable upload): it is adopted into the
    storage (`file_adopt`: a hard link on the same disk) instead of copied;
    `source_sha256`: its SHA-256 as the server computed it while receiving it (then not
    read again). `rules`: the
    slot rules as the caller read them in this request (`slot_rules`). `savepoint=False`:
    called inside a transaction that its caller rolls back whole when this raises (a
    finished resumable upload's, `uploads.services`), so it needs no savepoint of its
    own (two statements less per file)."""
    with transaction.atomic(savepoint=savepoint):
        locked, files = _participation_locked_with_draft(participation)
        package = locked.package
        _check_open(locked, now or timezone.now())
        slot = slot_of(package, slot_code)
        if slot is None:
            raise BidRefused(_("This tender has no such part of the bid."))
        key_fingerprint = tender_key_fingerprint(package, slot.envelope)
        if key_fingerprint is None:
            raise BidRefused(_("This tender has no key for this part of the bid."))
        view = next(
            view
            for view in slot_views(locked, package, rules, files)
            if view.slot.code == slot_code
        )
        if view.full and not slot.is_letter:
            raise BidRefused(_("This part of the bid holds no more files: remove one first."))
        try:
            check_sealed(
                cast(BinaryIO, source),
                tender=str(package.code),
                slot=slot_code,
                key_fingerprint=key_fingerprint,
            )
        except SealError as error:
            raise BidRefused(seal_error_message(error.code)) from None
        stored = _sealed_file_write(package.portal_id, source, source_path, source_sha256)
        try:
            if claimed_sha256 is not None and stored.sha256 != claimed_sha256.lower():
                raise BidRefused(
                    _(
                        "The file arrived changed (its SHA-256 differs from the one "
                        "sealed): send it again."
                    )
                )
            if stored.size > view.max_sealed_bytes:
                raise BidRefused(
                    _("The file is larger than this tender allows (%(mb)d MB).")
                    % {"mb": view.max_file_mb}
                )
        except BidRefused:
            document_delete(name=stored.name)
            raise
        if slot.is_letter:
            draft_files(locked).filter(slot=slot_code).update(in_draft=False)
        sealed = SealedFile.objects.create(
            participation=locked,
            slot=slot_code,
            envelope=slot.envelope,
            stored_name=stored.name,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by_id=user_id,
        )
    return sealed


def draft_file_remove(
    *, participation: Participation, file_id: int, now: datetime | None = None
) -> None:
    """Take a file out of the draft. A file no version holds is deleted; one a
    submitted version holds is kept with it."""
    with transaction.atomic():
        locked = _participation_locked(participation)
        _check_open(locked, now or timezone.now())
        sealed = draft_files(locked).filter(pk=file_id).first()
        if sealed is None:
            raise BidRefused(_("This file is not in your bid."))
        if sealed.versions.exists():
            sealed.in_draft = False
            sealed.save(update_fields=["in_draft"])
            return
        name = sealed.stored_name
        sealed.delete()
        transaction.on_commit(lambda: document_delete(name=name))


def bid_submit(
    *,
    participation: Participation,
    user: User,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> BidVersion:
    """Commit the draft as the company's bid: a new version (the previous one is kept,
    superseded), an entry in the portal's transparency log, and the signed receipt,
    emailed to the company's acting users."""
    with transaction.atomic():
        locked, files = _participation_locked_with_draft(participation)
        package = locked.package
        received_at = now or timezone.now()
        _check_open(locked, received_at)
        views = slot_views(locked, package, files=files)
        missing = [str(view.slot.label) for view in views if not view.files]
        if missing:
            raise BidRefused(
                _("Every part of the bid needs a file. Missing: %(parts)s.")
                % {"parts": ", ".join(missing)}
            )
        files = [file for view in views for file in view.files]
        # The versions' numbers and states in one query: the current one and the next
        # number.
        versions = list(
            BidVersion.objects.filter(participation=locked)
            .only("pk", "number", "state")
            .order_by()  # the model's ordering would join the participation for nothing
        )
        current = next((v for v in versions if v.state == BidState.SUBMITTED), None)
        if current is not None and set(current.files.all()) == set(files):
            raise BidRefused(_("This bid is already submitted as it is."))
        number = max((v.number for v in versions), default=0) + 1
        company = locked.company
        entry = append_entry(
            portal=package.portal,
            kind="bid.received",
            body={
                "tender": str(package.code),
                "company_npwp": company.npwp,
                "company_name": company.name,
                "bid_version": number,
                "files": [
                    {"slot": file.slot, "size": file.size, "sha256": file.sha256} for file in files
                ],
                "received_at": utc_iso(received_at),
            },
        )
        receipt = signed_entry_document(entry)
        if current is not None:
            current.state = BidState.SUPERSEDED
            current.save(update_fields=["state"])
        version = BidVersion.objects.create(
            participation=locked,
            number=number,
            submitted_by=user,
            submitted_at=received_at,
            log_index=entry.index,
            receipt=receipt,
            receipt_sha256=receipt_hash(receipt),
        )
        # A new version holds nothing yet: its files inserted at once (no read first).
        BidVersion.files.through.objects.bulk_create(
            BidVersion.files.through(bidversion_id=version.pk, sealedfile_id=file.pk)
            for file in files
        )
        audit_record(
            actor=user,
            verb="bids.submitted",
            target=version,
            portal=package.portal,
            payload={"code": package.code, "version": number, "log_index": entry.index},
            context=context,
        )
        # Rendered and emailed by the worker: the bid's answer need not wait for it. The
        # task is a row written in this transaction, so the email is never lost.
        _receipt_email_enqueue(version)
    return version


def bid_withdraw(
    *,
    participation: Participation,
    user: User,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> BidVersion:
    """Withdraw the current bid before the deadline (recorded, logged); the company may
    submit again while the upload stage lasts."""
    with transaction.atomic():
        locked = _participation_locked(participation)
        at = now or timezone.now()
        _check_open(locked, at)
        current = current_bid(locked)
        if current is None:
            raise BidRefused(_("There is no submitted bid to withdraw."))
        package = locked.package
        append_entry(
            portal=package.portal,
            kind="bid.withdrawn",
            body={
                "tender": str(package.code),
                "company_npwp": locked.company.npwp,
                "bid_version": current.number,
                "receipt_sha256": current.receipt_sha256,
                "withdrawn_at": utc_iso(at),
            },
        )
        current.state = BidState.WITHDRAWN
        current.withdrawn_at = at
        current.withdrawn_by = user
        current.save(update_fields=["state", "withdrawn_at", "withdrawn_by"])
        audit_record(
            actor=user,
            verb="bids.withdrawn",
            target=current,
            portal=package.portal,
            payload={"code": package.code, "version": current.number},
            context=context,
        )
    return current


def receipt_hash(receipt: dict) -> str:
    """The SHA-256 of the receipt's signed body: how the opening record names a bid."""
    return hashlib.sha256(str(receipt["body"]).encode("ascii")).hexdigest()


def receipt_json(version: BidVersion) -> str:
    return json.dumps(version.receipt, indent=2, sort_keys=True)


def _receipt_email_enqueue(version: BidVersion) -> None:
    from inaproc.bids.tasks import email_receipt

    email_receipt.enqueue(version_id=version.pk)


def receipt_email_send(*, version_id: int) -> int:
    """Email the receipt of bid version `version_id` to the company's acting users (the
    task queued at submission). Returns how many emails were queued; 0 if the version is
    gone."""
    version = (
        BidVersion.objects.select_related(
            "participation__package__portal", "participation__company"
        )
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        return 0
    with transaction.atomic():
        return _email_receipt(version.participation, version)


def _email_receipt(participation: Participation, version: BidVersion) -> int:
    package = participation.package
    return email_to(
        [
            member.user.email
            for member in acting_members(participation.company)
            if member.user.email
        ],
        package=package,
        template=RECEIPT_EMAIL,
        context={
            "version": version,
            "receipt_json": receipt_json(version),
            "receipt_url": portal_absolute_url(
                package.portal, "bids:receipt", code=package.code, number=version.number
            ),
        },
    )
