"""Reads for registration and verification: the verifiers' queue of registrations and
change requests, a registration by its form key, counts."""

import re
from dataclasses import dataclass

from django.db.models import CharField, F, Q, QuerySet, Value

from inaproc.files.services import held_key_hash
from inaproc.portals.models import Portal
from inaproc.vendors.models import (
    ChangeRequest,
    ChangeRequestStatus,
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)

QUEUE_QUERY_MAX_LENGTH = 100


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

    return Registration.objects.filter(portal=portal, form_key_hash=held_key_hash(key)).first()


def pending_registration_count(*, portal: Portal) -> int:
    return Registration.objects.filter(portal=portal).pending().count()


def latest_change_request(*, registration: Registration) -> RegistrationEvent | None:
    return (
        registration.events.filter(kind=EventKind.CHANGES_REQUESTED)
        .order_by("-created_at", "-pk")
        .first()
    )


class QueueKind:
    REGISTRATION = "registration"
    CHANGE = "change"
    ALL = (REGISTRATION, CHANGE)


def _company_search(query: str, prefix: str = "company__") -> Q | None:
    query = query.strip()[:QUEUE_QUERY_MAX_LENGTH]
    if not query:
        return None
    condition = Q(**{f"{prefix}name__icontains": query})
    digits = re.sub(r"[\s.\-]", "", query)
    if digits.isdigit():
        condition |= Q(**{f"{prefix}npwp__contains": digits})
    return condition


def _queue_part(queryset: QuerySet, kind: str, since: str) -> QuerySet:
    # No ordering of its own: SQLite refuses ORDER BY inside a UNION's parts.
    return (
        queryset.order_by()
        .annotate(kind=Value(kind, output_field=CharField()), since=F(since))
        .values_list("kind", "pk", "since")
    )


def verification_queue_parts(
    *, portal: Portal, kind: str = "", status: str = "", query: str = ""
) -> dict[str, QuerySet]:
    """{kind: (kind, id, waiting since) rows} of the registrations and change requests of
    `portal` for the verifiers. By default those waiting for a decision; `status` narrows
    each kind to that status (a kind without such a status is left out), `kind` to one
    kind; `query` matches NPWP digits or the company name."""
    search = _company_search(query)
    parts = {}
    if kind in ("", QueueKind.REGISTRATION) and status not in ("pending", "withdrawn"):
        registrations = Registration.objects.filter(portal=portal)
        if status in RegistrationStatus.values:
            registrations = registrations.filter(status=status)
        else:
            registrations = registrations.pending()
        if search is not None:
            registrations = registrations.filter(search)
        parts[QueueKind.REGISTRATION] = _queue_part(
            registrations, QueueKind.REGISTRATION, "queued_at"
        )
    if kind in ("", QueueKind.CHANGE) and status in ("", *ChangeRequestStatus.values):
        changes = ChangeRequest.objects.filter(
            portal=portal, status=status or ChangeRequestStatus.PENDING
        )
        if search is not None:
            changes = changes.filter(search)
        parts[QueueKind.CHANGE] = _queue_part(changes, QueueKind.CHANGE, "created_at")
    return parts


def verification_queue(parts: dict[str, QuerySet]) -> QuerySet:
    """The parts as one list, longest waiting first (one query per page)."""
    if not parts:
        return ChangeRequest.objects.none().values_list("pk")
    first, *others = parts.values()
    combined = first.union(*others, all=True) if others else first
    return combined.order_by(F("since").asc(nulls_last=True), "kind", "pk")


@dataclass(frozen=True)
class QueueRow:
    kind: str
    item: Registration | ChangeRequest
    since: object

    @property
    def is_change(self) -> bool:
        return self.kind == QueueKind.CHANGE


# What a row of the queue shows of the company (vendors/queue.html): of a page of 25,
# the companies' and registrations' other columns (and the applicant) cost more to
# read than the query. A test of the page's queries catches a column shown but left
# out (a query per row).
QUEUE_COMPANY_FIELDS = ("company__name", "company__npwp", "company__legal_form")


def queue_rows(items) -> list[QueueRow]:
    """The page's (kind, id, since) triples as rows with their registration or change
    request (two queries per page)."""
    items = list(items)
    ids = {k: [pk for kind, pk, _since in items if kind == k] for k in QueueKind.ALL}
    found = {
        QueueKind.REGISTRATION: Registration.objects.select_related("company")
        .only("status", "queued_at", *QUEUE_COMPANY_FIELDS)
        .filter(pk__in=ids[QueueKind.REGISTRATION])
        .in_bulk(),
        QueueKind.CHANGE: ChangeRequest.objects.select_related("company")
        .only("status", "created_at", *QUEUE_COMPANY_FIELDS)
        .filter(pk__in=ids[QueueKind.CHANGE])
        .in_bulk(),
    }
    return [
        QueueRow(kind, found[kind][pk], since)
        for kind, pk, since in items
        if pk in found.get(kind, {})
    ]
