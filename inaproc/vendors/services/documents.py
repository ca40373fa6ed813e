"""Reads of documents that are recorded: staff opening a vendor's document."""

from django.db import transaction
from django.http import HttpRequest

from inaproc.accounts.models import User
from inaproc.audit.models import AuditEvent
from inaproc.audit.services import audit_record
from inaproc.vendors.models import Document


def document_view_record(
    *, actor: User, document: Document, download: bool, request: HttpRequest | None = None
) -> AuditEvent:
    """Record that staff member `actor` opened (or downloaded) a company's document: the
    documents carry personal data (the representative's ID card), so each view is audited."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            verb="document.viewed",
            target=document,
            portal=document.company.portal,
            payload={
                "company": document.company_id,
                "kind": document.kind,
                "removed": document.removed_at is not None,
                "download": download,
            },
            request=request,
        )
