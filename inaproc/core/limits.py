"""Rate limits counted over rows that carry a `created_at`."""

import math
from datetime import datetime, timedelta

from django.db.models import QuerySet


def seconds_until_below_limit(
    events: QuerySet, *, limit: int, window: timedelta, at: datetime
) -> int:
    """With `limit` or more `events` (rows with created_at) inside the window, the
    seconds until the oldest of the latest `limit` leaves it; else 0."""
    recent = list(
        events.filter(created_at__gt=at - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[-1] + window - at).total_seconds()))
