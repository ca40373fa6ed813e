"""The document fields of the registration, resubmission and change-request pages, one
slot per document type: upload field, held files, current files and the verifier's note."""

from dataclasses import dataclass, field

from django import forms
from django.forms import BoundField

from inaproc.files.held import forms_valid_or_hold
from inaproc.files.models import HeldUpload
from inaproc.files.services import CheckedUpload
from inaproc.portals.http import PortalRequest
from inaproc.vendors.companies.documents import required_document_kinds
from inaproc.vendors.companies.forms.company import document_field_name
from inaproc.vendors.companies.forms.documents import (
    ResubmitDocumentsForm,
    documents_errors_add,
    documents_to_remove,
)
from inaproc.vendors.documents import DocumentKind, document_key
from inaproc.vendors.models import Document


@dataclass
class DocumentSlot:
    """One document type on a form with document fields: the upload field, the files
    held from a failed submit and, on the resubmission form, the current files (each with
    a "remove" box) and the verifier's note."""

    kind: str
    label: str
    required: bool
    field: BoundField
    note: str = ""
    documents: list[Document] = field(default_factory=list)
    held: list[HeldUpload] = field(default_factory=list)


def document_slots(
    *,
    documents_form,
    held: list[HeldUpload],
    documents: list[Document] = (),
    notes: dict | None = None,
    legal_form: str = "",
) -> list[DocumentSlot]:
    notes = notes or {}
    required = set(required_document_kinds(legal_form))
    slots = {
        kind: DocumentSlot(
            kind=kind,
            label=str(label),
            required=kind in required,
            field=documents_form[document_field_name(kind)],
            note=notes.get(document_key(kind), ""),
        )
        for kind, label in DocumentKind.choices
    }
    for document in documents:
        if document.kind in slots:
            slots[document.kind].documents.append(document)
    for upload in held:
        if upload.kind in slots:
            slots[upload.kind].held.append(upload)
    return list(slots.values())


@dataclass(frozen=True)
class DocumentsSubmission:
    """The files a valid submit adds, and the current documents it withdraws."""

    uploads: list[CheckedUpload]
    remove_document_ids: set[int]


def documents_submission(
    request: PortalRequest,
    key: str,
    form: forms.Form,
    documents_form: ResubmitDocumentsForm,
    *,
    documents: list[Document],
    held: list[HeldUpload],
) -> DocumentsSubmission | None:
    """Validate a form with current documents (resubmission, change request): every
    error in one pass, document errors included, and the valid uploads held — None; or
    what the submit adds and withdraws."""
    if not forms_valid_or_hold(request, key, form, documents_form):
        documents_errors_add(
            documents_form,
            data=request.POST,
            documents=documents,
            held=held,
            legal_form=form.cleaned_data.get("legal_form"),
        )
        return None
    uploads = documents_form.checked_uploads()
    new_kinds = [item.kind for item in uploads] + [h.kind for h in held]
    removed = documents_to_remove(data=request.POST, documents=documents, new_kinds=new_kinds)
    return DocumentsSubmission(uploads=uploads, remove_document_ids=removed)
