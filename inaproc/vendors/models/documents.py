import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal
from inaproc.vendors.documents import DocumentKind


class StoredDocumentFields(models.Model):
    """What we know of a file kept in the document storage (see vendors.documents)."""

    kind = models.CharField(_("document type"), max_length=30, choices=DocumentKind.choices)
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


class Document(StoredDocumentFields):
    """A legal document of a company. A replaced or removed document keeps its row (and
    file) with `removed_at` set, so the verification history can still show it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(
        "vendors.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # A licence with an end date: the vendor is warned 30 days before (once).
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["company", "kind"], name="document_company_kind_idx")]


class HeldUpload(StoredDocumentFields):
    """A file that passed its checks in a registration form that had errors elsewhere:
    kept (for a day at most) so the applicant need not choose it again. The form carries
    a random key; only its hash is stored."""

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("held upload")
        verbose_name_plural = _("held uploads")
        ordering = ["kind", "uploaded_at", "pk"]
