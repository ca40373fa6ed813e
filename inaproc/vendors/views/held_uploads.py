"""Files kept across a failed submit of a form with document fields (registration and
resubmission): the form carries a random key; files that passed their checks are held
under it, listed again with a "remove" box, and used when the form finally succeeds."""

import re
import secrets
from dataclasses import dataclass, field

from django.forms import BoundField
from django.http import HttpRequest

from inaproc.vendors.documents import DocumentKind, document_key
from inaproc.vendors.forms.company import DocumentsForm, document_field_name, ticked_ids
from inaproc.vendors.models import Document, HeldUpload
from inaproc.vendors.selectors import held_uploads
from inaproc.vendors.services.registration import required_document_kinds
from inaproc.vendors.services.uploads import held_uploads_add, held_uploads_remove

FORM_KEY_FIELD = "form_key"
REMOVE_HELD_FIELD = "remove_held"
_FORM_KEY = re.compile(r"[A-Za-z0-9_\-]{20,64}")


def form_key(request: HttpRequest) -> str:
    """The key of the form being submitted, or a new one for a new form."""
    key = request.POST.get(FORM_KEY_FIELD, "") if request.method == "POST" else ""
    return key if _FORM_KEY.fullmatch(key) else secrets.token_urlsafe(24)


def held_for_submit(request: HttpRequest, key: str) -> list[HeldUpload]:
    """The held files of this form, without those the user ticked to remove (which are
    deleted now)."""
    remove = ticked_ids(request.POST, REMOVE_HELD_FIELD)
    if remove:
        held_uploads_remove(portal=request.portal, key=key, ids=remove)
    return held_uploads(portal=request.portal, key=key)


def hold_valid_uploads(request: HttpRequest, key: str, documents: DocumentsForm) -> None:
    """The form failed: keep its uploads that passed their checks for the next submit."""
    held_uploads_add(portal=request.portal, key=key, items=documents.valid_uploads())


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
