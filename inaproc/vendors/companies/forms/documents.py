"""A company's document fields with its current files (each with a "remove" box) and the
verifier's notes: the resubmission and change-request forms."""

from collections.abc import Iterable

from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

from inaproc.files.forms import ticked_ids
from inaproc.files.models import HeldUpload
from inaproc.vendors.companies.forms.company import (
    DocumentsForm,
    LicenceValidUntilMixin,
    document_errors_add,
    document_field_name,
)
from inaproc.vendors.documents import MULTIPLE_ALLOWED, DocumentKind, document_key
from inaproc.vendors.models import Document

REMOVE_DOCUMENT_FIELD = "remove_document"


class ResubmitDocumentsForm(LicenceValidUntilMixin, DocumentsForm):
    """The upload fields, labelled as additions to the documents already there, and the
    end date of the licence files added (`held_kinds`: types of the files held)."""

    def __init__(self, *args, notes: dict | None = None, current_kinds=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        notes = notes or {}
        for kind, label in DocumentKind.choices:
            field = self.fields[document_field_name(kind)]
            if kind in MULTIPLE_ALLOWED:
                field.label = _("%(kind)s: add files") % {"kind": label}
                field.help_text = _("You can choose several files.")
            else:
                field.label = _("%(kind)s: new file") % {"kind": label}
                field.help_text = (
                    _("A new file replaces the current one.") if kind in current_kinds else ""
                )
            note = notes.get(document_key(kind))
            if isinstance(note, str):
                field.help_text = note_help(note, field.help_text)


def documents_to_remove(
    *, data: QueryDict, documents: list[Document], new_kinds: Iterable[str]
) -> set[int]:
    """Ids of the current `documents` to remove: those ticked (ids of other documents are
    ignored), and for a type that takes one file, the current file when a new one comes."""
    ticked = ticked_ids(data, REMOVE_DOCUMENT_FIELD)
    new_kinds = set(new_kinds)
    return {
        document.pk
        for document in documents
        if document.pk in ticked
        or (document.kind in new_kinds and document.kind not in MULTIPLE_ALLOWED)
    }


def documents_errors_add(
    documents_form: DocumentsForm,
    *,
    data: QueryDict,
    documents: list[Document],
    held: list[HeldUpload],
    legal_form: str | None,
) -> None:
    """After a failed submit of a resubmission or change request: the errors the service
    would give the documents once the rest is right (a required type left without a file,
    several files of a one-file type), added now to the fields without an error, so that
    every error shows in the same pass. `documents`: the current files; `held`: the files
    held from an earlier submit."""
    new_kinds = [item.kind for item in documents_form.valid_uploads()] + [h.kind for h in held]
    removed = documents_to_remove(data=data, documents=documents, new_kinds=new_kinds)
    kinds = [d.kind for d in documents if d.pk not in removed] + new_kinds
    document_errors_add(documents_form, legal_form=legal_form, kinds=kinds)


def note_help(note: str, help_text: str = "") -> str:
    """A field's help text led by the verifier's note, so that the note is read out with
    the field (components/field.html ties the help text to the input)."""
    text = format_html(
        '<span class="verifier-note"><strong>{}</strong> {}</span>', _("Verifier's note:"), note
    )
    return format_html("{} {}", text, help_text) if help_text else text


def field_notes(notes: dict, names: Iterable[str]) -> dict[str, str]:
    """The verifier's notes (`{key: text}`) that belong to one of `names`."""
    names = set(names)
    return {key: text for key, text in notes.items() if key in names and isinstance(text, str)}
