"""Writing releases (docs/decisions/0013): each public event of a tender, as the
transparency log records it, appends one OCDS release in the same transaction and
recompiles the tender's record.

The sequence is gap-free and committed in order: `release_append` locks the one
FeedState row, takes the next number and commits with it; a second append waits on the
lock until the first commits (or rolls back, giving its number back)."""

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from inaproc.opendata.mapping import iso, ocid_for, release_build
from inaproc.opendata.merge import compile_releases
from inaproc.opendata.models import FeedState, Record, Release
from inaproc.tenders.models import Package, PackageState
from inaproc.translog.models import LogEntry

# The translog kinds that are public events of a tender, with their release tags.
EVENT_TAGS: dict[str, list[str]] = {
    "tender.published": ["planning", "tender"],
    "tender.schedule_changed": ["tenderUpdate"],
    "tender.addendum": ["tenderUpdate"],
    "tender.cancelled": ["tenderCancellation"],
    "tender.opening_record": ["tenderUpdate"],
    "tender.failed": ["tenderUpdate"],
    # Issue 13 (ADR 0013): the winner announcement and the recorded contract.
    "tender.winner_announced": ["award"],
    # The evaluation reopened by an upheld objection: a withdrawn winner's award cancelled.
    "tender.evaluation_reopened": ["tenderUpdate"],
    "tender.contract_signed": ["contract"],
}
# The states whose tenders have releases: published, and ended by a cancellation or a
# failure (tender gagal).
RELEASED_STATES = (PackageState.PUBLISHED, PackageState.CANCELLED, PackageState.FAILED)


def dumps(data: Any) -> str:
    """The stored and served JSON text: compact, UTF-8, keys in the order built."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _locked_state() -> FeedState:
    state = FeedState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        FeedState.objects.bulk_create([FeedState(pk=1)], ignore_conflicts=True)
        state = FeedState.objects.select_for_update().get(pk=1)
    return state


def _record_update(package: Package, ocid: str, seq: int) -> None:
    bodies = Release.objects.filter(ocid=ocid).order_by("seq").values_list("body", flat=True)
    compiled = dumps(compile_releases([json.loads(body) for body in bodies]))
    updated = Record.objects.filter(ocid=ocid).update(last_seq=seq, compiled=compiled)
    if not updated:
        Record.objects.create(
            ocid=ocid,
            portal=package.portal,
            package=package,
            first_seq=seq,
            last_seq=seq,
            compiled=compiled,
        )


def release_append(
    *,
    package: Package,
    tags: list[str],
    date: datetime,
    as_published: bool = False,
    amendment: dict[str, Any] | None = None,
) -> Release:
    """Append the release of `package` as it stands now, with the next sequence number,
    and recompile its record. Call it inside the transaction of the event."""
    with transaction.atomic():
        state = _locked_state()
        seq = state.last_seq + 1
        ocid = ocid_for(package.portal, package.code)
        data = release_build(
            package,
            release_id=f"{ocid}-{seq}",
            tags=tags,
            date=date,
            as_published=as_published,
            amendment=amendment,
        )
        release = Release.objects.create(
            seq=seq,
            portal=package.portal,
            package=package,
            ocid=ocid,
            release_id=data["id"],
            tag=",".join(tags),
            date=date,
            body=dumps(data),
        )
        state.last_seq = seq
        state.save(update_fields=["last_seq"])
        _record_update(package, ocid, seq)
    return release


def _amendment(entry: LogEntry, body: dict[str, Any], date: datetime) -> dict[str, Any] | None:
    """The amendment an event carries: its rationale and what it changed, with the
    transparency-log entry that records it (`log-<index>`)."""
    kind = entry.kind
    described: dict[str, str] = {}
    if kind == "tender.schedule_changed":
        stages = ", ".join(change["stage"] for change in body.get("changes", []))
        described = {"rationale": body.get("reason", ""), "description": f"Jadwal: {stages}"}
    elif kind == "tender.addendum":
        version = body.get("document", {}).get("version")
        described = {"rationale": body.get("note", ""), "description": f"Adendum versi {version}"}
    elif kind == "tender.cancelled":
        described = {"rationale": body.get("reason", ""), "description": "Tender dibatalkan"}
    elif kind == "tender.evaluation_reopened":
        described = {"rationale": body.get("reason", ""), "description": "Evaluasi diulang"}
    elif kind == "tender.failed":
        rationale = body.get("note") or body.get("reason", "")
        described = {"rationale": rationale, "description": "Tender gagal"}
    else:
        return None
    amendment = {"id": f"log-{entry.index}", "date": iso(date)}
    amendment.update({key: value for key, value in described.items() if value})
    return amendment


def on_log_entry(*, entry: LogEntry, body: dict[str, Any]) -> Release | None:
    """The transparency-log hook (`TRANSLOG_ENTRY_HOOKS`): a public event of a published
    tender becomes a release; anything else is ignored. Runs inside the log's
    transaction, so the release commits (or rolls back) with the event."""
    tags = EVENT_TAGS.get(entry.kind)
    if tags is None:
        return None
    package = (
        Package.objects.select_related("portal")
        .filter(portal_id=entry.portal_id, code=body.get("tender"))
        .first()
    )
    if package is None or package.state not in RELEASED_STATES:
        return None
    if entry.kind != "tender.published" and not Record.objects.filter(package=package).exists():
        # Published before open data was switched on: its tender release first (as active:
        # the event itself is what may cancel it).
        _first_release(package)
    date = package.published_at if entry.kind == "tender.published" else entry.created_at
    date = date or timezone.now()
    amendment = _amendment(entry, body, date)
    return release_append(package=package, tags=tags, date=date, amendment=amendment)


def _first_release(package: Package) -> Release:
    published = package.published_at or package.created_at
    return release_append(
        package=package, tags=["planning", "tender"], date=published, as_published=True
    )


def release_backfill(*, package: Package) -> list[Release]:
    """The releases of a public tender that has none (published before open data, or
    written in bulk by `generate_tenders`): its tender release as of its publication and,
    if cancelled, its cancellation; if failed, its failure. Idempotent: a tender with a
    record is left alone."""
    with transaction.atomic():
        locked = Package.objects.select_for_update().select_related("portal").get(pk=package.pk)
        if locked.state not in RELEASED_STATES:
            return []
        if locked.code is None or Record.objects.filter(package=locked).exists():
            return []
        releases = [_first_release(locked)]
        if locked.state == PackageState.CANCELLED:
            cancelled = locked.cancelled_at or timezone.now()
            amendment = {
                "id": "pembatalan",
                "date": iso(cancelled),
                "description": "Tender dibatalkan",
            }
            if locked.cancel_reason:
                amendment["rationale"] = locked.cancel_reason
            releases.append(
                release_append(
                    package=locked,
                    tags=["tenderCancellation"],
                    date=cancelled,
                    amendment=amendment,
                )
            )
        if locked.state == PackageState.FAILED:
            releases.append(_failure_backfill(locked))
    return releases


def _failure_backfill(package: Package) -> Release:
    failed = package.failed_at or timezone.now()
    amendment = {"id": "gagal", "date": iso(failed), "description": "Tender gagal"}
    if package.failure_note or package.failure_reason:
        amendment["rationale"] = package.failure_note or package.failure_reason
    return release_append(package=package, tags=["tenderUpdate"], date=failed, amendment=amendment)


def releases_backfill(*, batch: int = 500) -> int:
    """Backfill every public tender without a record; returns how many releases."""
    written = 0
    pending = (
        Package.objects.public()
        .exclude(code__isnull=True)
        .exclude(pk__in=Record.objects.values("package_id"))
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )
    while True:
        ids = list(pending[:batch])
        if not ids:
            return written
        before = written
        for package in Package.objects.filter(pk__in=ids).order_by("published_at", "pk"):
            written += len(release_backfill(package=package))
        if written == before:  # nothing could be written: do not loop for ever
            return written
