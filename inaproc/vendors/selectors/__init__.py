import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils.text import capfirst

from inaproc.accounts.models import User
from inaproc.portals.models import Portal
from inaproc.vendors.documents import DocumentKind, document_key
from inaproc.vendors.models import (
    Company,
    CompanyMember,
    Document,
    EventKind,
    HeldUpload,
    Kbli,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)

# Bounds that keep one search a few cheap LIKE clauses, whatever is typed.
KBLI_QUERY_MAX_LENGTH = 100
KBLI_QUERY_MAX_WORDS = 8
KBLI_SEARCH_MAX_LIMIT = 100

_CODE_PREFIX = re.compile(r"[0-9]{1,5}", re.ASCII)


def kbli_search(*, query: str, limit: int = 20) -> QuerySet[Kbli]:
    """Kelompok (5-digit) codes for a vendor to pick from, ordered by code.

    Digits search by code prefix (`011` finds `01111`…); anything else searches the titles,
    every word having to appear (case-insensitively), so `pertanian jagung` finds `01111`.
    """
    # NUL and other control characters match no title, and PostgreSQL refuses NUL outright.
    printable = "".join(ch if ch.isprintable() else " " for ch in query[:KBLI_QUERY_MAX_LENGTH])
    words = printable.split()[:KBLI_QUERY_MAX_WORDS]
    if not words:
        return Kbli.objects.none()
    results = Kbli.objects.kelompok()
    if len(words) == 1 and _CODE_PREFIX.fullmatch(words[0]):
        results = results.filter(code__startswith=words[0])
    else:
        for word in words:
            results = results.filter(title__icontains=word)
    limit = max(0, min(limit, KBLI_SEARCH_MAX_LIMIT))
    return results.order_by("code")[:limit]


def kbli_get_many(*, codes: Iterable[str]) -> set[str]:
    """Those of `codes` that are kelompok codes, to check a vendor's chosen sectors."""
    return set(Kbli.objects.kelompok().filter(code__in=set(codes)).values_list("code", flat=True))


# --- Registrations ------------------------------------------------------------------------

QUEUE_QUERY_MAX_LENGTH = 100


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
    from inaproc.vendors.services.registration import CORRECTABLE_FIELDS

    labels = {
        name: capfirst(str(Company._meta.get_field(name).verbose_name))
        for name in CORRECTABLE_FIELDS
    }
    labels.update({document_key(kind): str(label) for kind, label in DocumentKind.choices})
    return labels


def registration_queue(
    *,
    portal: Portal,
    status: str = "",
    query: str = "",
) -> QuerySet[Registration]:
    """Registrations of `portal` for the verifiers: by default those waiting for a decision,
    oldest first. `status` narrows to one status; `query` matches NPWP digits or the company
    name."""
    registrations = Registration.objects.filter(portal=portal).select_related(
        "company", "applicant"
    )
    if status in RegistrationStatus.values:
        registrations = registrations.filter(status=status)
    else:
        registrations = registrations.pending()
    query = query.strip()[:QUEUE_QUERY_MAX_LENGTH]
    if query:
        digits = re.sub(r"[\s.\-]", "", query)
        condition = Q(company__name__icontains=query)
        if digits.isdigit():
            condition |= Q(company__npwp__contains=digits)
        registrations = registrations.filter(condition)
    return registrations.order_by(F("queued_at").asc(nulls_last=True), "pk")


def registration_for_form_key(*, portal: Portal, key: str) -> Registration | None:
    """The registration a registration form (by its random key) already created, if any."""
    from inaproc.vendors.services.uploads import held_key_hash

    return Registration.objects.filter(portal=portal, form_key_hash=held_key_hash(key)).first()


def pending_registration_count(*, portal: Portal) -> int:
    return Registration.objects.filter(portal=portal).pending().count()


def company_documents(*, company: Company) -> list[Document]:
    """The company's current documents, by type."""
    return list(company.documents.filter(removed_at__isnull=True).order_by("kind", "uploaded_at"))


@dataclass(frozen=True)
class DocumentGroup:
    kind: str
    label: str
    documents: list[Document] = field(default_factory=list)


def company_document_groups(*, company: Company) -> list[DocumentGroup]:
    """Every document type, in form order, with the company's current files of it."""
    groups = {kind: DocumentGroup(kind, str(label)) for kind, label in DocumentKind.choices}
    for document in company_documents(company=company):
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


def latest_change_request(*, registration: Registration) -> RegistrationEvent | None:
    return (
        registration.events.filter(kind=EventKind.CHANGES_REQUESTED)
        .order_by("-created_at", "-pk")
        .first()
    )


def company_for_user(*, user: User) -> Company | None:
    membership = (
        CompanyMember.objects.select_related("company").filter(user=user).first()
        if user.is_authenticated
        else None
    )
    return membership.company if membership else None


def held_uploads(*, portal: Portal, key: str) -> list[HeldUpload]:
    from inaproc.vendors.services.uploads import held_key_hash

    if not key:
        return []
    return list(HeldUpload.objects.filter(portal=portal, key_hash=held_key_hash(key)))


def company_removed_documents(*, company: Company) -> list[Document]:
    """The company's replaced or removed documents, most recently removed first: kept
    (and viewable by the same people as the current ones) for the history."""
    return list(
        company.documents.filter(removed_at__isnull=False).order_by("-removed_at", "kind", "pk")
    )
