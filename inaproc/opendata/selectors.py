"""Reads of the open data: pages of the feed and of records, one record, the feed's end.
Every page query is `WHERE seq > cursor ORDER BY seq LIMIT n` on an index (per portal:
`(portal, seq)`), so a page costs the same at the start and at the end of the feed."""

from dataclasses import dataclass

from inaproc.opendata.models import FeedState, Record, Release
from inaproc.portals.models import Portal


@dataclass(frozen=True)
class RecordRow:
    ocid: str
    first_seq: int
    compiled: str
    releases: list[str]


def feed_end() -> int:
    """The last sequence number committed: a cursor above it is from the future."""
    return FeedState.objects.values_list("last_seq", flat=True).first() or 0


def releases_after(*, portal: Portal | None, after: int, limit: int) -> list[tuple[int, str]]:
    """(seq, JSON text) of the releases after `after`, in sequence order; of one portal
    or (None) of the whole platform."""
    rows = Release.objects.filter(seq__gt=after)
    if portal is not None:
        rows = rows.filter(portal=portal)
    return list(rows.order_by("seq").values_list("seq", "body")[:limit])


def _with_releases(records: list[Record]) -> list[RecordRow]:
    bodies: dict[str, list[str]] = {record.ocid: [] for record in records}
    for ocid, body in (
        Release.objects.filter(ocid__in=list(bodies)).order_by("seq").values_list("ocid", "body")
    ):
        bodies[ocid].append(body)
    return [
        RecordRow(record.ocid, record.first_seq, record.compiled, bodies[record.ocid])
        for record in records
    ]


def records_after(*, portal: Portal | None, after: int, limit: int) -> list[RecordRow]:
    """The records whose first release comes after `after`, in that order."""
    rows = Record.objects.filter(first_seq__gt=after)
    if portal is not None:
        rows = rows.filter(portal=portal)
    records = list(rows.order_by("first_seq").only("ocid", "first_seq", "compiled")[:limit])
    return _with_releases(records)


def record_of(*, ocid: str, portal: Portal | None = None) -> RecordRow | None:
    rows = Record.objects.filter(ocid=ocid)
    if portal is not None:
        rows = rows.filter(portal=portal)
    record = rows.first()
    return _with_releases([record])[0] if record is not None else None


def release_bodies_created(*, portal: Portal | None, start, end, batch: int = 2000):
    """The JSON texts of the releases written in [start, end), in sequence order, read
    in batches (for the bulk files)."""
    after = 0
    while True:
        rows = Release.objects.filter(created_at__gte=start, created_at__lt=end, seq__gt=after)
        if portal is not None:
            rows = rows.filter(portal=portal)
        chunk = list(rows.order_by("seq").values_list("seq", "body")[:batch])
        if not chunk:
            return
        yield from (body for _, body in chunk)
        after = chunk[-1][0]
