"""The public events of a tender, appended to the portal's transparency log
(`translog.services.append_entry`, SEALED-BIDS.md §3) inside the transaction of the
change: small public bodies only (what anyone may read on the tender's pages)."""

from collections.abc import Iterable

from django.utils import timezone

from inaproc.tenders.models import Package, ScheduleChange, ScheduleStage, TenderDocument
from inaproc.translog.models import LogEntry
from inaproc.translog.services import append_entry, utc_iso


def _document(document: TenderDocument) -> dict[str, object]:
    return {
        "version": document.version,
        "kind": document.kind,
        "size": document.size,
        "sha256": document.sha256,
    }


def log_published(package: Package) -> LogEntry:
    stages = ScheduleStage.objects.filter(package=package).order_by("position")
    return append_entry(
        portal=package.portal,
        kind="tender.published",
        body={
            "tender": str(package.code),
            "name": package.name,
            "published_at": utc_iso(package.published_at or timezone.now()),
            "schedule": [
                {"stage": s.key, "starts_at": utc_iso(s.starts_at), "ends_at": utc_iso(s.ends_at)}
                for s in stages
            ],
            "documents": [_document(d) for d in package.documents.order_by("version")],
        },
    )


def log_schedule_changed(package: Package, changes: Iterable[ScheduleChange], reason: str) -> None:
    append_entry(
        portal=package.portal,
        kind="tender.schedule_changed",
        body={
            "tender": str(package.code),
            "reason": reason,
            "changes": [
                {
                    "stage": change.stage.key,
                    "previous": [
                        utc_iso(change.previous_starts_at),
                        utc_iso(change.previous_ends_at),
                    ],
                    "new": [utc_iso(change.starts_at), utc_iso(change.ends_at)],
                    "by_platform": change.changed_by_id is None,
                }
                for change in changes
            ],
        },
    )


def log_addendum(package: Package, document: TenderDocument) -> None:
    append_entry(
        portal=package.portal,
        kind="tender.addendum",
        body={"tender": str(package.code), "note": document.note, "document": _document(document)},
    )


def log_cancelled(package: Package, reason: str) -> None:
    append_entry(
        portal=package.portal,
        kind="tender.cancelled",
        body={
            "tender": str(package.code),
            "reason": reason,
            "cancelled_at": utc_iso(package.cancelled_at or timezone.now()),
        },
    )


def log_failed(package: Package) -> None:
    append_entry(
        portal=package.portal,
        kind="tender.failed",
        body={
            "tender": str(package.code),
            "reason": package.failure_reason,
            "note": package.failure_note,
            "failed_at": utc_iso(package.failed_at or timezone.now()),
        },
    )
