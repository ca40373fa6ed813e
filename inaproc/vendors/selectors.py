import re
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from inaproc.accounts.models import User
from inaproc.portals.models import Portal
from inaproc.vendors.documents import DocumentKind
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
    words = query[:KBLI_QUERY_MAX_LENGTH].split()[:KBLI_QUERY_MAX_WORDS]
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
        name: str(Company._meta.get_field(name).verbose_name).capitalize()
        for name in CORRECTABLE_FIELDS
    }
    labels.update({f"document:{kind}": str(label) for kind, label in DocumentKind.choices})
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


def pending_registration_count(*, portal: Portal) -> int:
    return Registration.objects.filter(portal=portal).pending().count()


def company_documents(*, company: Company) -> list[Document]:
    """The company's current documents, by type."""
    return list(company.documents.filter(removed_at__isnull=True).order_by("kind", "uploaded_at"))


def registration_history(*, registration: Registration) -> list[RegistrationEvent]:
    return list(registration.events.select_related("actor").order_by("created_at", "pk"))


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
