"""Reading held uploads, and what one client address may still park."""

import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from inaproc.files.models import HeldUpload
from inaproc.portals.models import Portal

# Files are held at most this long (held_uploads_prune removes older ones): it is also the
# window of the per-address limit, so the limit bounds what one address keeps on disk.
HELD_UPLOAD_HOURS = 24


def held_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def held_uploads(*, portal: Portal, key: str) -> list[HeldUpload]:
    if not key:
        return []
    return list(HeldUpload.objects.filter(portal=portal, key_hash=held_key_hash(key)))


def held_upload_allowance(
    *, ip_address: str | None, at: datetime | None = None
) -> tuple[int | float, int | float]:
    """(files, bytes) one client address may still park, across portals.

    Anyone may park files: a form keeps them whatever the CAPTCHA said (issue 14), so
    what an address holds is capped, as well as each file's size (DOCUMENT_MAX_BYTES),
    the files of one request (DATA_UPLOAD_MAX_NUMBER_FILES) and the time they are kept
    (HELD_UPLOAD_HOURS). Without a known address there is nothing to count by (tests,
    a misconfigured proxy): no limit beyond those."""
    if not ip_address:
        return math.inf, math.inf
    since = (at or timezone.now()) - timedelta(hours=HELD_UPLOAD_HOURS)
    parked = HeldUpload.objects.filter(ip_address=ip_address, uploaded_at__gt=since).aggregate(
        files=Count("pk"), size=Sum("size")
    )
    files_left = settings.HELD_UPLOADS_PER_ADDRESS - parked["files"]
    bytes_left = settings.HELD_UPLOAD_MEGABYTES_PER_ADDRESS * 1024 * 1024 - (parked["size"] or 0)
    return max(0, files_left), max(0, bytes_left)
