from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class StoredDocumentFields(models.Model):
    """What we know of a file kept in the document storage (`files.storage`). `kind` is
    the owner's own word for the file (a vendor document type, a ticket attachment); a
    subclass may give it choices."""

    kind = models.CharField(_("document type"), max_length=30)
    # The storage name (random; never shown) and the name the user gave (shown, never used
    # as a path).
    stored_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class HeldUpload(StoredDocumentFields):
    """A file that passed its checks in a form that had errors elsewhere: kept (for a day
    at most) so the user need not choose it again. The form carries a random key; only
    its hash is stored. (The table keeps its name from the vendors app it began in.)"""

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, db_index=True)
    # The client address that parked it: what the per-address limit on held files counts
    # (HELD_UPLOADS_PER_ADDRESS, HELD_UPLOAD_MEGABYTES_PER_ADDRESS).
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        db_table = "vendors_heldupload"
        verbose_name = _("held upload")
        verbose_name_plural = _("held uploads")
        ordering = ["kind", "uploaded_at", "pk"]
        indexes = [
            models.Index(fields=["ip_address", "uploaded_at"], name="held_upload_ip_idx"),
        ]
