"""Critical company data (name, NPWP, NIB, legal form, representative, sectors, legal
documents) changes only through a change request that a verifier approves; the approved
data stays in force meanwhile. A request holds only what changes: `proposed` values and
`ProposedDocument` files. Approval applies everything in one transaction."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.files.models import HeldUpload
from inaproc.files.services import CheckedUpload, files_remove, files_store
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.companies.data import npwp_taken_message
from inaproc.vendors.companies.documents import document_errors
from inaproc.vendors.companies.selectors.changes import (
    CRITICAL_FIELDS,
    changed_document_labels,
    changed_labels,
    company_critical_values,
)
from inaproc.vendors.companies.services.documents import stored_file_rows
from inaproc.vendors.models import (
    ChangeRequest,
    ChangeRequestStatus,
    Company,
    Document,
    ProposedDocument,
)
from inaproc.vendors.review import Decision, rejection_reason, review_decide


class ChangePending(Exception):
    """The company already has a change request waiting for a verifier."""


class NothingChanged(Exception):
    """The submitted data and documents are the company's current ones."""


def npwp_taken_for_approval_message() -> str:
    return _(
        "Another company of this portal now has the proposed NPWP, so this change cannot be "
        "approved. Reject it with that reason."
    )


def _npwp_taken(company: Company, npwp: str) -> bool:
    """Another company of the same portal has `npwp`."""
    others = Company.objects.filter(portal=company.portal_id, npwp=npwp)
    return others.exclude(pk=company.pk).exists()


def _proposed_values(current: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    proposed = {}
    for name in CRITICAL_FIELDS:
        if name not in data:
            continue
        value = sorted(data[name]) if name == "sectors" else data[name]
        if value != current[name]:
            proposed[name] = value
    return proposed


def _proposed_documents(
    *,
    change_request: ChangeRequest,
    written: list[dict],
    held: list[HeldUpload],
    valid_until: dict[str, date | None],
    uploaded_by: User,
) -> None:
    """ProposedDocument rows for newly written files and for held uploads (whose files the
    request now owns)."""
    ProposedDocument.objects.bulk_create(
        ProposedDocument(change_request=change_request, uploaded_by=uploaded_by, **fields)
        for fields in stored_file_rows(written=written, held=held, valid_until=valid_until)
    )
    HeldUpload.objects.filter(pk__in=[h.pk for h in held]).delete()


def change_request_submit(
    *,
    company_id: int,
    portal: Portal,
    user: User,
    data: dict[str, Any],
    uploads: list[CheckedUpload],
    held: list[HeldUpload] | None = None,
    valid_until: dict[str, date | None] | None = None,
    remove_document_ids: set[int] = frozenset(),
    message: str = "",
    context: AuditContext | None = None,
) -> ChangeRequest:
    """Ask the verifiers to approve a change of the company's critical data: only the
    fields of `data` that differ from the company's go into the request, with the new
    files (`valid_until` by document type) and the current documents to withdraw.

    Raises NothingChanged, ChangePending, or ValidationError keyed by field (or
    `document:<kind>`): NPWP of another company, required documents missing."""
    held = list(held or [])
    written = files_store(items=uploads, portal=portal)
    try:
        with transaction.atomic():
            change_request = _submit(
                company_id=company_id,
                portal=portal,
                user=user,
                data=data,
                added_kinds=[item.kind for item in uploads] + [h.kind for h in held],
                remove_document_ids=remove_document_ids,
                message=message,
                context=context,
            )
            _proposed_documents(
                change_request=change_request,
                written=written,
                held=held,
                valid_until=valid_until or {},
                uploaded_by=user,
            )
            # After the files: the email names the document types too.
            _email(change_request=change_request, template="vendors/email/company_change_received")
    except IntegrityError as error:
        # Two submits at once: the one-pending-request constraint let only one through.
        files_remove(names=[fields["stored_name"] for fields in written])
        raise ChangePending from error
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise
    return change_request


def _submit(
    *,
    company_id: int,
    portal: Portal,
    user: User,
    data: dict[str, Any],
    added_kinds: list[str],
    remove_document_ids: set[int],
    message: str,
    context: AuditContext | None,
) -> ChangeRequest:
    company = Company.objects.select_for_update().get(pk=company_id, portal=portal)
    if ChangeRequest.objects.filter(company=company, status=ChangeRequestStatus.PENDING).exists():
        raise ChangePending
    current = company_critical_values(company)
    proposed = _proposed_values(current, data)
    documents = list(company.documents.filter(removed_at__isnull=True))
    removed = [d for d in documents if d.pk in remove_document_ids]
    if not (proposed or removed or added_kinds):
        raise NothingChanged
    errors: dict[str, Any] = {}
    if "npwp" in proposed and _npwp_taken(company, proposed["npwp"]):
        errors["npwp"] = npwp_taken_message()
    kinds = [d.kind for d in documents if d not in removed] + added_kinds
    legal_form = proposed.get("legal_form", company.legal_form)
    errors.update(document_errors(legal_form=legal_form, kinds=kinds))
    if errors:
        raise ValidationError(errors)
    change_request = ChangeRequest.objects.create(
        portal=portal,
        company=company,
        requested_by=user,
        proposed=proposed,
        previous={name: current[name] for name in proposed},
        message=message.strip(),
    )
    change_request.documents_removed.set(removed)
    audit_record(
        actor=user,
        verb="company_change.requested",
        target=change_request,
        portal=portal,
        payload={
            "fields": sorted(proposed),
            "documents_added": sorted(added_kinds),
            "documents_removed": sorted(d.kind for d in removed),
        },
        context=context,
    )
    return change_request


# --- Decisions ----------------------------------------------------------------------------


def change_request_withdraw(
    *, change_id: int, portal: Portal, user: User, context: AuditContext | None = None
) -> ChangeRequest:
    """The company's administrator takes the pending request back (to correct it, or
    because it is no longer wanted). Raises ReviewConflict if already decided."""
    return _decide(
        change_id=change_id,
        portal=portal,
        actor=user,
        transition="withdraw",
        verb="company_change.withdrawn",
        context=context,
    )


def proposed_document_view_record(
    *, actor: User, document: ProposedDocument, download: bool, context: AuditContext | None = None
) -> None:
    """Staff member `actor` opened a file proposed with a change request (audited like
    the company's documents: it may carry personal data)."""
    change_request = document.change_request
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="document.viewed",
            target=document,
            portal=change_request.portal,
            payload={
                "company": change_request.company_id,
                "change_request": change_request.pk,
                "kind": document.kind,
                "proposed": True,
                "download": download,
            },
            context=context,
        )


class ChangeNotApplicable(Exception):
    """Approving would break a rule that holds now (another company took the NPWP)."""


def _email(*, change_request: ChangeRequest, template: str) -> None:
    portal = change_request.portal
    email_send(
        to=change_request.company.email,
        portal=portal,
        template=template,
        language=get_language(),
        context={
            "company_name": change_request.company.name,
            "fields": changed_labels(change_request),
            "documents": changed_document_labels(change_request),
            "reason": change_request.decision_reason,
            "company_url": portal_absolute_url(portal, "vendors:company"),
        },
    )


def _locked(*, change_id: int, portal: Portal) -> Callable[[], ChangeRequest]:
    """Lock the company, then the request (always in this order: a submit locks the
    company too); the request carries the locked company."""

    def lock() -> ChangeRequest:
        company_id = (
            ChangeRequest.objects.filter(pk=change_id, portal=portal)
            .values_list("company_id", flat=True)
            .get()
        )
        company = Company.objects.select_for_update().get(pk=company_id, portal=portal)
        change_request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("portal", "decided_by")
            .get(pk=change_id)
        )
        change_request.company = company
        return change_request

    return lock


def _decide(
    *,
    change_id: int,
    portal: Portal,
    actor: User,
    transition: str,
    verb: str,
    arguments: dict[str, Any] | None = None,
    effects: Callable[[ChangeRequest], None] | None = None,
    reason: str = "",
    email_template: str = "",
    context: AuditContext | None = None,
) -> ChangeRequest:
    """The review workflow (`vendors.review`): refuse unless still pending, apply, record,
    audit and email, all in one transaction. Raises ReviewConflict, ChangeNotApplicable."""

    def email(change_request: ChangeRequest) -> None:
        _email(change_request=change_request, template=email_template)

    decision = Decision[ChangeRequest](
        transition=transition,
        arguments=arguments or {},
        actor=actor,
        portal=portal,
        verb=verb,
        reason=reason,
        payload=lambda change_request: {
            "company": change_request.company.pk,
            "fields": sorted(change_request.proposed),
        },
        effects=effects,
        email=email if email_template else None,
        context=context,
    )
    try:
        return review_decide(lock=_locked(change_id=change_id, portal=portal), decision=decision)
    except IntegrityError as error:
        # Another company saved the same NPWP between our check and our save.
        raise ChangeNotApplicable(npwp_taken_for_approval_message()) from error


def _apply(change_request: ChangeRequest) -> None:
    company = change_request.company
    proposed = dict(change_request.proposed)
    if "npwp" in proposed and _npwp_taken(company, proposed["npwp"]):
        raise ChangeNotApplicable(npwp_taken_for_approval_message())
    sectors = proposed.pop("sectors", None)
    for name, value in proposed.items():
        if name in CRITICAL_FIELDS:
            setattr(company, name, value)
    company.save()
    if sectors is not None:
        company.sectors.set(sectors)
    now = timezone.now()
    withdrawn = [d.pk for d in change_request.documents_removed.all()]
    Document.objects.filter(pk__in=withdrawn, company=company, removed_at__isnull=True).update(
        removed_at=now
    )
    # The new documents own the stored files from now on (the proposed rows stay as the
    # record of the request).
    Document.objects.bulk_create(
        Document(
            company=company,
            uploaded_by=p.uploaded_by,
            kind=p.kind,
            stored_name=p.stored_name,
            original_name=p.original_name,
            content_type=p.content_type,
            size=p.size,
            sha256=p.sha256,
            valid_until=p.valid_until,
        )
        for p in change_request.proposed_documents.all()
    )


def change_request_approve(
    *, change_id: int, portal: Portal, verifier: User, context: AuditContext | None = None
) -> ChangeRequest:
    """Apply the change to the company (fields, sectors, new documents, withdrawn
    documents) and tell the company. Raises ReviewConflict, ChangeNotApplicable."""
    return _decide(
        change_id=change_id,
        portal=portal,
        actor=verifier,
        transition="approve",
        verb="company_change.approved",
        effects=_apply,
        email_template="vendors/email/company_change_approved",
        context=context,
    )


def change_request_reject(
    *,
    change_id: int,
    portal: Portal,
    verifier: User,
    reason: str,
    context: AuditContext | None = None,
) -> ChangeRequest:
    """Refuse the change with a reason, emailed to the company; its data stay as they are."""
    reason = rejection_reason(reason)
    return _decide(
        change_id=change_id,
        portal=portal,
        actor=verifier,
        transition="reject",
        arguments={"reason": reason},
        verb="company_change.rejected",
        reason=reason,
        email_template="vendors/email/company_change_rejected",
        context=context,
    )
