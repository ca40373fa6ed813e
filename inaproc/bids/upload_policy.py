"""The resumable-upload policy of a company's bid: only the company's acting users (the
holder of the bid page's upload capability, checked by the view), only while bids are
received; each finished upload is checked and added to the draft."""

import re
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.bids.selectors.bids import (
    max_sealed_bytes,
    quota_owner_key,
    slot_rules,
    upload_open,
)
from inaproc.bids.services.bids import BidRefused, sealed_file_store
from inaproc.tenders.models import Participation
from inaproc.uploads.exceptions import UploadRejected
from inaproc.uploads.models import ResumableUpload
from inaproc.uploads.protocol import UploadPolicy
from inaproc.uploads.selectors import upload_completed_path, upload_open_completed
from inaproc.uploads.services import upload_consume

_SHA256 = re.compile(r"[0-9a-f]{64}")
MIB = 1 << 20


class BidUploadPolicy(UploadPolicy):
    purpose = "bid"

    def __init__(self, participation: Participation, *, uploader_id: int) -> None:
        self.participation = participation
        self._uploader_id = uploader_id
        self.package = participation.package
        self.target = str(self.package.code)
        self.quota_bytes = settings.BID_UPLOAD_QUOTA_MB * MIB

    # Read only when an upload is created (its metadata, its length): a PATCH does not
    # need them. The rules alone (no draft files: the finished upload checks those under
    # the participation's lock); they are fixed once bids are received.
    @cached_property
    def rules(self) -> dict[str, tuple[int, tuple[str, ...]]]:
        return slot_rules(self.package)

    @cached_property
    def max_size(self) -> int:  # type: ignore[override]
        return max(max_sealed_bytes(max_file_mb) for max_file_mb, _types in self.rules.values())

    def uploader_id(self, request: HttpRequest) -> int | None:
        return self._uploader_id

    def authorize(self, request: HttpRequest) -> str | None:
        if not upload_open(self.package, now=timezone.now()):
            return _("Bids are not received now: the upload stage is closed.")
        return None

    def owner_key(self, request: HttpRequest) -> str:
        return quota_owner_key(self.participation.company_id)

    def quota_used(self, request: HttpRequest) -> int | None:
        # Read with the capability's check when the view asked for it (a creation).
        used = getattr(self.participation, "extra_value", None)
        return None if used is None else int(used)

    def validate_metadata(self, metadata: dict[str, str]) -> str | None:
        if metadata.get("slot") not in self.rules:
            return _("This tender has no such part of the bid.")
        if not _SHA256.fullmatch(metadata.get("sha256", "")):
            return _("The sealed file's SHA-256 is missing.")
        return None

    def on_complete(self, upload: ResumableUpload) -> None:
        try:
            with upload_open_completed(upload=upload) as source:
                sealed_file_store(
                    participation=self.participation,
                    user_id=upload.owner_id,
                    slot_code=upload.metadata["slot"],
                    source=source,
                    claimed_sha256=upload.metadata["sha256"],
                    source_path=upload_completed_path(upload=upload),
                    source_sha256=upload.received_sha256,
                    rules=self.rules,
                    # In the completion's transaction, rolled back whole on a refusal.
                    savepoint=False,
                )
        except BidRefused as refusal:
            raise UploadRejected(refusal.message) from None
        upload_consume(upload=upload)
