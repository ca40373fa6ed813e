"""The document fields of the registration, resubmission and change-request pages, one
slot per document type: upload field, held files, current files and the verifier's note."""

from dataclasses import dataclass, field

from django.forms import BoundField

from inaproc.files.models import HeldUpload
from inaproc.vendors.companies.documents import required_document_kinds
from inaproc.vendors.companies.forms.company import document_field_name
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
