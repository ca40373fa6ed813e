"""A company's documents: rows for stored files, and staff opening one (audited)."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from inaproc.accounts.models import User
from inaproc.audit.models import AuditEvent
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.files.models import HeldUpload
from inaproc.files.services import STORED_FILE_FIELDS
from inaproc.vendors.models import Company, Document


def document_view_record(
    *, actor: User, document: Document, download: bool, context: AuditContext | None = None
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
            context=context,
        )


def stored_file_rows(
    *,
    written: list[dict],
    held: Iterable[HeldUpload],
    valid_until: dict[str, date | None] | None = None,
) -> list[dict]:
    """Field values for the rows of newly written files and of held uploads, each with
    the end date given for its document type (`valid_until`, e.g. licences) or None."""
    valid_until = valid_until or {}
    stored = written + [{name: getattr(h, name) for name in STORED_FILE_FIELDS} for h in held]
    return [{**fields, "valid_until": valid_until.get(fields["kind"])} for fields in stored]


def documents_attach(
    *,
    company: Company,
    written: list[dict],
    held: Iterable[HeldUpload] = (),
    valid_until: dict[str, date | None] | None = None,
    uploaded_by: User | None,
) -> list[Document]:
    """Inside the caller's transaction: Document rows for newly written files and for
    held uploads (whose files the documents now own), with their end dates by type."""
    held = list(held)
    rows = [
        Document(company=company, uploaded_by=uploaded_by, **fields)
        for fields in stored_file_rows(written=written, held=held, valid_until=valid_until)
    ]
    HeldUpload.objects.filter(pk__in=[h.pk for h in held]).delete()
    return Document.objects.bulk_create(rows)
