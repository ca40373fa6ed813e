"""Reads of a company: its documents, its verification history, its member's company."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.text import capfirst

from inaproc.accounts.models import User
from inaproc.vendors.companies.data import CORRECTABLE_FIELDS
from inaproc.vendors.documents import DocumentKind, document_key
from inaproc.vendors.models import (
    Company,
    CompanyMember,
    Document,
    EventKind,
    Registration,
    RegistrationEvent,
)

# --- Registrations ------------------------------------------------------------------------


def company_all_documents(*, company: Company) -> list[Document]:
    """Every document of the company, current or removed: for a page that shows both (and
    those ending soon), read once for `documents=` of the selectors below."""
    return list(company.documents.order_by("pk"))


def company_documents(
    *, company: Company, documents: Iterable[Document] | None = None
) -> list[Document]:
    """The company's current documents, by type (`documents`: all of them, when read)."""
    if documents is None:
        documents = company.documents.filter(removed_at__isnull=True).order_by("pk")
    current = (document for document in documents if document.removed_at is None)
    return sorted(current, key=lambda document: (document.kind, document.uploaded_at))


@dataclass(frozen=True)
class DocumentGroup:
    kind: str
    label: str
    documents: list[Document] = field(default_factory=list)


def company_document_groups(
    *, company: Company, documents: Iterable[Document] | None = None
) -> list[DocumentGroup]:
    """Every document type, in form order, with the company's current files of it."""
    groups = {kind: DocumentGroup(kind, str(label)) for kind, label in DocumentKind.choices}
    for document in company_documents(company=company, documents=documents):
        if document.kind in groups:
            groups[document.kind].documents.append(document)
    return list(groups.values())


def registration_history(*, registration: Registration) -> list[RegistrationEvent]:
    return list(registration.events.select_related("actor").order_by("created_at", "pk"))


@dataclass(frozen=True)
class HistoryRow:
    """One event of a registration's history, ready for vendors/_history.html."""

    event: RegistrationEvent
    # [(label, text)]: what to fix (a request for changes).
    notes: list[tuple[str, str]]
    # [label]: what changed (a resubmission).
    changed: list[str]
    documents_added: list[str]
    documents_removed: list[str]


def registration_history_rows(*, registration: Registration) -> list[HistoryRow]:
    """The history with labelled notes: what the verifier asked to fix, and what a
    resubmission changed."""
    labels = correctable_labels()
    kinds = {kind: str(label) for kind, label in DocumentKind.choices}

    def listed(value, names: dict[str, str]) -> list[str]:
        items = value if isinstance(value, list) else []
        return [names.get(str(item), str(item)) for item in items]

    rows = []
    for event in registration_history(registration=registration):
        notes = event.notes if isinstance(event.notes, dict) else {}
        if event.kind == EventKind.RESUBMITTED:
            rows.append(
                HistoryRow(
                    event,
                    notes=[],
                    changed=listed(notes.get("changed_fields"), labels),
                    documents_added=listed(notes.get("documents_added"), kinds),
                    documents_removed=listed(notes.get("documents_removed"), kinds),
                )
            )
        else:
            rows.append(HistoryRow(event, note_labels(notes), [], [], []))
    return rows


def company_membership(*, user: User) -> CompanyMember | None:
    """The membership of `user` (a user has at most one), its company and the company's
    registration (`company.registration`) read in the same query."""
    if not user.is_authenticated:
        return None
    return CompanyMember.objects.select_related("company__registration").filter(user=user).first()


def company_for_user(*, user: User) -> Company | None:
    """The company of `user`, with its registration (`company.registration`) read in
    the same query."""
    membership = company_membership(user=user)
    return membership.company if membership else None


def company_removed_documents(
    *, company: Company, documents: Iterable[Document] | None = None
) -> list[Document]:
    """The company's replaced or removed documents, most recently removed first: kept
    (and viewable by the same people as the current ones) for the history. `documents`:
    all of the company's, when read."""
    if documents is None:
        documents = company.documents.filter(removed_at__isnull=False)
    removed = [(d.removed_at, d) for d in documents if d.removed_at is not None]
    removed.sort(key=lambda item: (item[1].kind, item[1].pk))
    removed.sort(key=lambda item: item[0], reverse=True)  # stable: kind, pk within a time
    return [document for _removed_at, document in removed]


def note_labels(notes: dict[str, str]) -> list[tuple[str, str]]:
    """[(what to fix, the verifier's note)] for a request for changes, in form order."""
    labels = correctable_labels()
    return [(labels.get(key, key), text) for key, text in _ordered(notes, labels)]


def _ordered(notes: dict[str, str], labels: dict[str, str]) -> list[tuple[str, str]]:
    order = {key: index for index, key in enumerate(labels)}
    return sorted(
        ((k, v) for k, v in notes.items() if isinstance(v, str)),
        key=lambda item: order.get(item[0], len(order)),
    )


def correctable_labels() -> dict[str, str]:
    """{note key: label}: each company field a verifier may comment on, then each
    document type (`document:<kind>`)."""

    labels = {
        name: capfirst(str(Company._meta.get_field(name).verbose_name))
        for name in CORRECTABLE_FIELDS
    }
    labels.update({document_key(kind): str(label) for kind, label in DocumentKind.choices})
    return labels
