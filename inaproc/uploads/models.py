"""A resumable upload (tus 1.0): its row holds the protocol state, its bytes sit in one
partial file (`uploads.storage`) until the caller that mounted the endpoint takes them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class UploadState(models.TextChoices):
    RECEIVING = "receiving", _("receiving")
    COMPLETE = "complete", _("complete")
    TERMINATED = "terminated", _("terminated")
    REJECTED = "rejected", _("rejected")
    CONSUMED = "consumed", _("consumed")


class ResumableUpload(models.Model):
    """One upload. The id is the unguessable token in the upload's URL. `owner_key` is
    what the quota counts (e.g. "company:42"); `purpose` and `target` say what the
    upload is for (e.g. "bid", "<tender code>/<slot>") and bind it to the endpoint that
    created it. Rows are deleted by `prune_uploads` once expired, whatever their state:
    callers copy what they need and keep no foreign key to this table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    owner_key = models.CharField(max_length=100)
    purpose = models.CharField(max_length=30)
    target = models.CharField(max_length=200)
    length = models.PositiveBigIntegerField(_("size (bytes)"))
    offset = models.PositiveBigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    storage_name = models.CharField(max_length=100, unique=True)
    state = models.CharField(
        max_length=20, choices=UploadState.choices, default=UploadState.RECEIVING
    )
    rejection = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Not stored: the SHA-256 of the bytes, computed as they were written, when the whole
    # file came in the request that completes it (a creation carrying it); for the
    # `on_complete` of that request, which then need not read the file again.
    received_sha256: str | None = None

    class Meta:
        verbose_name = _("resumable upload")
        verbose_name_plural = _("resumable uploads")
        indexes = [
            models.Index(fields=["portal", "owner_key", "state"], name="upload_quota_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.target} ({self.offset}/{self.length})"
