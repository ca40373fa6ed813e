"""Which documents a company must have, and the errors of a set of document files."""

from django.utils.translation import gettext_lazy as _

from inaproc.vendors.documents import MULTIPLE_ALLOWED, DocumentKind, document_key
from inaproc.vendors.models import LegalForm


def required_document_kinds(legal_form: str) -> tuple[str, ...]:
    """Document types a registration cannot go without. A sole proprietorship has no deed;
    business licences are optional (for many activities the NIB is the licence)."""
    kinds = [DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.REPRESENTATIVE_ID]
    if legal_form != LegalForm.PERORANGAN:
        kinds.insert(2, DocumentKind.DEED_OF_ESTABLISHMENT)
    return tuple(kinds)


def documents_missing(*, legal_form: str, kinds: set[str]) -> dict[str, str]:
    """{document kind: message} for required types with no file."""
    return {
        kind: _("Upload this document (PDF, JPEG or PNG).")
        for kind in required_document_kinds(legal_form)
        if kind not in kinds
    }


def _too_many_per_kind(kinds: list[str]) -> dict[str, str]:
    return {
        kind: _("Upload only one file of this type.")
        for kind in set(kinds)
        if kind not in MULTIPLE_ALLOWED and kinds.count(kind) > 1
    }


def document_errors(*, legal_form: str, kinds: list[str]) -> dict[str, str]:
    """{`document:<kind>`: message} for a set of files (one kind per file): required
    types missing, and several files of a type that takes one."""
    problems = {
        **documents_missing(legal_form=legal_form, kinds=set(kinds)),
        **_too_many_per_kind(kinds),
    }
    return {document_key(kind): message for kind, message in problems.items()}
