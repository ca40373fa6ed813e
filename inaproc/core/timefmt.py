"""Times as people read them: a moment in WIB, a wait in whole minutes."""

from datetime import datetime

from django.utils import timezone
from django.utils.dates import MONTHS


def wib(value: datetime | None) -> str:
    """A moment in Asia/Jakarta with its zone: `25 November 2026 14:05 WIB`."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    # Django's date_format(local, "j F Y H:i"), spelled out: a third of its cost, and
    # list pages show hundreds of times.
    return f"{local.day} {MONTHS[local.month]} {local.year:04d} {local:%H:%M} {local.tzname()}"


def wait_minutes(seconds: int) -> int:
    """A wait of `seconds` in whole minutes, rounded up: never "wait 0 minutes"."""
    return max(1, -(-seconds // 60))
