import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.files.models import StoredDocumentFields
from inaproc.vendors.documents import DocumentKind


class Document(StoredDocumentFields):
    """A legal document of a company. A replaced or removed document keeps its row (and
    file) with `removed_at` set, so the verification history can still show it."""

    kind = models.CharField(_("document type"), max_length=30, choices=DocumentKind.choices)
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
