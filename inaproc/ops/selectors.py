"""What an operator asks of a running deployment: is each dependency reachable, and how
long are the queues. Read at /readyz and at each metrics scrape."""

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from inaproc.core.cache import cache_ping
from inaproc.files.storage import document_storage
from inaproc.notifications.models import Email, EmailStatus

logger = logging.getLogger(__name__)

# A name no stored document can have (stored names are "<portal>/<yyyy>/<mm>/<hex>.<ext>").
STORAGE_PROBE_NAME = "readyz-probe"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    milliseconds: float


def _timed(name: str, probe) -> Check:
    started = time.perf_counter()
    try:
        ok = bool(probe())
    except Exception:  # noqa: BLE001 - a readiness probe reports, it does not raise
        logger.warning("readiness check %s failed", name, exc_info=True)
        ok = False
    return Check(name=name, ok=ok, milliseconds=(time.perf_counter() - started) * 1000)


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _storage() -> bool:
    storage = document_storage()
    if isinstance(storage, FileSystemStorage):
        # On disk exists() of a missing name says False whether or not the document
        # root is there at all: ask for the root itself, and that the app can write it.
        root = Path(storage.location)
        return root.is_dir() and os.access(root, os.W_OK | os.X_OK)
    # An object store's exists() is a HEAD that raises when the store cannot be reached
    # or refuses the credentials; a missing name is the expected answer.
    storage.exists(STORAGE_PROBE_NAME)
    return True


def readiness_checks() -> list[Check]:
    return [
        _timed("database", _database),
        _timed("storage", _storage),
        _timed("cache", cache_ping),
    ]


@dataclass(frozen=True)
class QueueState:
    # Tasks ready to run now, and the age of the oldest of them (0 when none).
    tasks_ready: int
    oldest_ready_seconds: float
    tasks_running: int
    tasks_failed: int
    emails_queued: int
    oldest_email_seconds: float
    emails_failed: int


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def queue_state() -> QueueState:
    now = timezone.now()
    ready = DBTaskResult.objects.ready().aggregate(count=Count("id"), oldest=Min("enqueued_at"))
    by_status = dict(
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED])
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    emails = {
        row["status"]: row
        for row in Email.objects.filter(status__in=[EmailStatus.QUEUED, EmailStatus.FAILED])
        .values("status")
        .annotate(count=Count("id"), oldest=Min("created_at"))
    }
    queued = emails.get(EmailStatus.QUEUED, {"count": 0, "oldest": None})
    return QueueState(
        tasks_ready=ready["count"],
        oldest_ready_seconds=_age(ready["oldest"], now),
        tasks_running=by_status.get(TaskResultStatus.RUNNING, 0),
        tasks_failed=by_status.get(TaskResultStatus.FAILED, 0),
        emails_queued=queued["count"],
        oldest_email_seconds=_age(queued["oldest"], now),
        emails_failed=emails.get(EmailStatus.FAILED, {"count": 0})["count"],
    )
