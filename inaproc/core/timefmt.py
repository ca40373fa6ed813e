"""Times as people read them: a moment in WIB, a wait in whole minutes."""

from datetime import datetime

from django.utils import formats, timezone


def wib(value: datetime | None) -> str:
    """A moment in Asia/Jakarta with its zone: `25 November 2026 14:05 WIB`."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'j F Y H:i')} {local.tzname()}"


def wait_minutes(seconds: int) -> int:
    """A wait of `seconds` in whole minutes, rounded up: never "wait 0 minutes"."""
    return max(1, -(-seconds // 60))
