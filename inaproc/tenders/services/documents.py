"""Tender documents and addenda: PDF files checked by content, versioned per package
(the package's highest version + 1, under a lock on the package row), never
overwritten. The Dokumen Pemilihan (and Dokumen Kualifikasi) are uploaded while the
package is being prepared; an addendum is published by the runner during the Pemberian
Penjelasan stage of a published tender and emailed to every participant."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.files.services import CheckedUpload, files_remove, files_store
from inaproc.tenders.access import is_runner
from inaproc.tenders.links import public_tender_link
from inaproc.tenders.models import (
    Package,
    PackageState,
    PublicationApproval,
    TenderDocument,
    TenderDocumentKind,
)
from inaproc.tenders.selectors.participation import clarification_open, participant_addresses
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.packages import package_editor_kind
from inaproc.tenders.services.participation_mail import email_to
from inaproc.tenders.services.translog_events import log_addendum

ADDENDUM_EMAIL = "tenders/email/addendum"
PREPARATION_KINDS = (TenderDocumentKind.DOKUMEN_PEMILIHAN, TenderDocumentKind.DOKUMEN_KUALIFIKASI)


def _check_may_add(package: Package, kind: str, by: User, note: str) -> None:
    if kind in PREPARATION_KINDS:
        if package_editor_kind(package=package, user=by) is None:
            raise ValidationError(
                _("Tender documents are uploaded while the package is being prepared."),
                code="refused",
            )
        return
    if kind != TenderDocumentKind.ADDENDUM:
        raise ValidationError(_("Unknown kind of document."), code="invalid")
    if package.state != PackageState.PUBLISHED or not is_runner(package=package, user=by):
        raise ValidationError(
            _("Only the Pokja of a published tender publishes an addendum."), code="refused"
        )
    if not clarification_open(package, now=timezone.now()):
        raise ValidationError(
            _("An addendum is published only during the Pemberian Penjelasan stage."),
            code="refused",
        )
    if not note.strip():
        raise ValidationError({"note": _("Say what the addendum changes.")})


def tender_document_add(
    *,
    package: Package,
    kind: str,
    upload: CheckedUpload,
    note: str,
    by: User,
    context: AuditContext | None = None,
) -> TenderDocument:
    """A new version of the package's documents (a checked PDF). For an addendum the
    participants are emailed after commit. Nothing is kept if anything fails."""
    if upload.checked.extension != "pdf":
        raise ValidationError({"upload": _("Tender documents are PDF files.")})
    written = files_store(items=[upload], portal=package.portal)[0]
    written["kind"] = kind
    try:
        with transaction.atomic():
            package = package_locked(package.pk)
            _check_may_add(package, kind, by, note)
            last = package.documents.aggregate(last=Max("version"))["last"] or 0
            document = TenderDocument.objects.create(
                package=package, version=last + 1, note=note.strip(), uploaded_by=by, **written
            )
            payload = {"document": document.pk, "version": document.version, "kind": kind}
            if kind == TenderDocumentKind.ADDENDUM:
                verb = "tender.addendum_published"
            else:
                # Before publication: the approvals given so far were of the former version.
                verb = "tender.document_added"
                withdrawn = PublicationApproval.objects.filter(package=package).delete()[0]
                payload["approvals_withdrawn"] = withdrawn
            audit_record(
                actor=by,
                verb=verb,
                target=package,
                portal=package.portal,
                payload=payload,
                context=context,
            )
            if kind == TenderDocumentKind.ADDENDUM:
                log_addendum(package, document)  # transparency log (translog)
                _addendum_notify(package, document)
    except BaseException:
        files_remove(names=[written["stored_name"]])
        raise
    return document


def _addendum_notify(package: Package, document: TenderDocument) -> None:
    context = {
        "package_name": package.name,
        "code": package.code,
        "version": document.version,
        "note": document.note,
        "tender_url": public_tender_link(package.portal, package.code),
        "portal_name": package.portal.name,
    }
    email_to(
        participant_addresses(package), package=package, template=ADDENDUM_EMAIL, context=context
    )
