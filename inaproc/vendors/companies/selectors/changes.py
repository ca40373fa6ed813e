"""Reads of company data changes: change requests (the vendor's own page, the verifiers'
queue and review page, the company's history) and documents that expire.

Nothing here is ever read as the company's data: proposals live in `ChangeRequest` and
`ProposedDocument` until a verifier approves them (services.changes)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.text import capfirst

from inaproc.core.identity import npwp_display
from inaproc.portals.models import Portal
from inaproc.reference.models import Kbli
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import (
    ChangeRequest,
    ChangeRequestStatus,
    Company,
    Document,
    LegalForm,
    ProposedDocument,
)

# Data that changes only through a change request a verifier approves ("sectors": the
# KBLI codes), and contact data the company's administrator changes at once.
CRITICAL_FIELDS = (
    "name",
    "legal_form",
    "npwp",
    "nib",
    "representative_name",
    "representative_nik",
    "representative_position",
    "sectors",
)
CONTACT_FIELDS = ("phone", "street", "city", "province", "postal_code")

EXPIRY_WARNING_DAYS = 30


def field_label(name: str) -> str:
    return capfirst(str(Company._meta.get_field(name).verbose_name))


def company_critical_values(company: Company) -> dict[str, object]:
    """The company's critical data as a change request stores it (sectors: sorted codes)."""
    values: dict[str, object] = {
        name: getattr(company, name) for name in CRITICAL_FIELDS if name != "sectors"
    }
    values["sectors"] = sorted(company.sectors.values_list("code", flat=True))
    return values


# --- One company's change requests ---------------------------------------------------------


def pending_change_request(*, company: Company) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.filter(company=company, status=ChangeRequestStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


def change_requests_decided(*, company: Company) -> list[ChangeRequest]:
    """The company's decided (or withdrawn) change requests, newest first: its history."""
    return list(
        ChangeRequest.objects.filter(company=company)
        .exclude(status=ChangeRequestStatus.PENDING)
        .select_related("requested_by", "decided_by")
        .prefetch_related("proposed_documents", "documents_removed")
        .order_by("-created_at", "-pk")
    )


def pending_change_count(*, portal: Portal) -> int:
    return ChangeRequest.objects.filter(portal=portal, status=ChangeRequestStatus.PENDING).count()


@dataclass(frozen=True)
class FieldChange:
    """One critical field of a change request: before and after, for display."""

    name: str
    label: str
    before: list[str]
    after: list[str]
    changed: bool


def _display(name: str, value: object, titles: dict[str, str]) -> list[str]:
    if name == "sectors":
        codes = value if isinstance(value, list) else []
        return [f"{code} {titles.get(code, '')}".strip() for code in codes]
    text = "" if value is None else str(value)
    if name == "legal_form" and text in LegalForm.values:
        text = str(LegalForm(text).label)
    elif name == "npwp":
        text = npwp_display(text)
    return [text]


def change_rows(*, change_request: ChangeRequest) -> list[FieldChange]:
    """Every critical field, in form order: the data before (the company's data while the
    request waits; what it replaced once decided) and after the change."""
    proposed = change_request.proposed if isinstance(change_request.proposed, dict) else {}
    previous = change_request.previous if isinstance(change_request.previous, dict) else {}
    current = company_critical_values(change_request.company)
    before = current if change_request.is_pending else {**current, **previous}
    codes = {*before.get("sectors", []), *(proposed.get("sectors") or [])}
    titles = dict(Kbli.objects.filter(code__in=codes).values_list("code", "title"))
    rows = []
    for name in CRITICAL_FIELDS:
        old = before.get(name)
        new = proposed.get(name, current.get(name) if change_request.is_pending else old)
        rows.append(
            FieldChange(
                name=name,
                label=field_label(name),
                before=_display(name, old, titles),
                after=_display(name, new, titles),
                changed=name in proposed,
            )
        )
    return rows


def changed_labels(change_request: ChangeRequest) -> list[str]:
    proposed = change_request.proposed if isinstance(change_request.proposed, dict) else {}
    return [field_label(name) for name in CRITICAL_FIELDS if name in proposed]


def changed_document_labels(change_request: ChangeRequest) -> list[str]:
    """The document types the request adds files to or withdraws files from."""
    kinds = {p.kind for p in change_request.proposed_documents.all()}
    kinds |= {d.kind for d in change_request.documents_removed.all()}
    return [str(label) for kind, label in DocumentKind.choices if kind in kinds]


@dataclass
class ChangeDocumentGroup:
    """One document type of a change request: the current files (those withdrawn with
    the change marked) and the new ones."""

    kind: str
    label: str
    current: list[Document] = field(default_factory=list)
    withdrawn_ids: set[int] = field(default_factory=set)
    proposed: list[ProposedDocument] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return bool(self.proposed or self.withdrawn_ids)


def change_document_groups(*, change_request: ChangeRequest) -> list[ChangeDocumentGroup]:
    """Every document type: current files beside the files the request adds. Once decided,
    "current" are the files the company had then (those withdrawn stay listed)."""
    groups = {kind: ChangeDocumentGroup(kind, str(label)) for kind, label in DocumentKind.choices}
    removed = list(change_request.documents_removed.all())
    documents = Document.objects.filter(company=change_request.company_id)
    if change_request.is_pending:
        documents = documents.filter(removed_at__isnull=True)
    else:
        documents = documents.filter(pk__in=[d.pk for d in removed])
    for document in documents.order_by("kind", "uploaded_at", "pk"):
        groups[document.kind].current.append(document)
    for document in removed:
        groups[document.kind].withdrawn_ids.add(document.pk)
    for document in change_request.proposed_documents.all():
        groups[document.kind].proposed.append(document)
    return list(groups.values())


# --- The verifiers' queue: registrations and change requests together ----------------------


# --- Documents with an end date -----------------------------------------------------------


@dataclass(frozen=True)
class ExpiringDocument:
    document: Document
    days_left: int  # negative: expired that many days ago

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def documents_expiring(
    company: Company,
    within_days: int = EXPIRY_WARNING_DAYS,
    *,
    today: date | None = None,
    documents: Iterable[Document] | None = None,
) -> list[ExpiringDocument]:
    """The company's current documents whose end date is within `within_days` from today
    (WIB) or already past, soonest first. `documents`: the company's documents (current
    or not) when the caller has read them (`company_all_documents`), else one query."""
    today = today or timezone.localdate()
    last = today + timedelta(days=within_days)
    if documents is None:
        documents = company.documents.filter(
            removed_at__isnull=True, valid_until__isnull=False, valid_until__lte=last
        )
    ending = sorted(
        (
            d
            for d in documents
            if d.removed_at is None and d.valid_until is not None and d.valid_until <= last
        ),
        key=lambda d: (d.valid_until, d.kind, d.pk),
    )
    return [ExpiringDocument(d, (d.valid_until - today).days) for d in ending]
