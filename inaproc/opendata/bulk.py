"""The daily bulk files (docs/open-data.md, "Bulk files"): for each day (WIB) the releases
written that day, one JSON text per line, gzip; one file for the whole platform
(`_all/<day>.jsonl.gz`) and one per portal (`<slug>/<day>.jsonl.gz`), each with a small
manifest beside it (`<day>.json`: releases, bytes, SHA-256). Written to a temporary name
and renamed, so a reader never sees half a file; gzip without a timestamp, so the same
day always gives the same bytes."""

import gzip
import hashlib
import json
import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from inaproc.opendata.models import Release
from inaproc.opendata.selectors import release_bodies_created
from inaproc.portals.models import Portal

# Not a possible portal slug (slugs start with a letter or digit).
PLATFORM = "_all"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def bulk_root() -> Path:
    return Path(str(settings.OCDS_BULK_ROOT))


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def _write(folder: Path, day: date, portal: Portal | None) -> dict[str, Any] | None:
    start, end = _day_bounds(day)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{day.isoformat()}.jsonl.gz"
    partial = folder / f".{day.isoformat()}.jsonl.gz.partial"
    count = 0
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
    ):
        for body in release_bodies_created(portal=portal, start=start, end=end):
            zipped.write(body.encode("utf-8") + b"\n")
            count += 1
    if count == 0:
        partial.unlink()
        return None
    data = partial.read_bytes()
    os.replace(partial, target)
    manifest = {
        "date": day.isoformat(),
        "releases": count,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    (folder / f"{day.isoformat()}.json").write_text(json.dumps(manifest), "utf-8")
    return manifest


def bulk_files_write(*, day: date) -> list[Path]:
    """Write the files of `day` (again, if they exist): the platform's and those of the
    portals with releases that day. Returns the files written."""
    written = []
    if _write(bulk_root() / PLATFORM, day, None) is not None:
        written.append(bulk_root() / PLATFORM / f"{day.isoformat()}.jsonl.gz")
    start, end = _day_bounds(day)
    portal_ids = (
        Release.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("portal_id", flat=True)
        .distinct()
    )
    for portal in Portal.objects.filter(pk__in=list(portal_ids)).order_by("slug"):
        if _write(bulk_root() / portal.slug, day, portal) is not None:
            written.append(bulk_root() / portal.slug / f"{day.isoformat()}.jsonl.gz")
    return written


def bulk_files_due(*, now: datetime | None = None, days: int = 2) -> list[Path]:
    """The daily run: the files of the last `days` finished days (yesterday and the day
    before, so a run missed once is made good). Safe to repeat."""
    today = timezone.localdate(now or timezone.now())
    written: list[Path] = []
    for back in range(days, 0, -1):
        written += bulk_files_write(day=today - timedelta(days=back))
    return written


def bulk_index(*, scope: str) -> list[dict[str, Any]]:
    """The manifests of the files of `scope` (PLATFORM or a portal slug), newest first."""
    folder = bulk_root() / scope
    if not folder.is_dir():
        return []
    manifests = []
    for path in sorted(folder.glob("*.json"), reverse=True):
        if _DAY.match(path.stem) and (folder / f"{path.stem}.jsonl.gz").exists():
            manifests.append(json.loads(path.read_text("utf-8")))
    return manifests


def bulk_file(*, scope: str, day: str) -> tuple[Path, dict[str, Any]] | None:
    """The file of `scope` for `day` (YYYY-MM-DD) with its manifest, or None."""
    if not _DAY.match(day):
        return None
    folder = bulk_root() / scope
    target, manifest = folder / f"{day}.jsonl.gz", folder / f"{day}.json"
    if not target.is_file() or not manifest.is_file():
        return None
    return target, json.loads(manifest.read_text("utf-8"))
