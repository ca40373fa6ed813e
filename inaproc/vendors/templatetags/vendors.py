"""Template filters of the vendors' pages."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def npwp(value: str) -> str:
    """An NPWP as people read it: a 16-digit NPWP made from a legacy one (a leading `0`)
    in the legacy form `01.234.567.4-101.000`, any other 16 digits (a NIK) in groups of
    four. Anything else is shown as it is."""
    if not (isinstance(value, str) and len(value) == 16 and value.isascii() and value.isdigit()):
        return value
    if value.startswith("0"):
        d = value[1:]
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}"
    return " ".join(value[i : i + 4] for i in range(0, 16, 4))


@register.filter
def days_since(value: datetime | None) -> int | None:
    """Calendar days (WIB) from `value` to today: 0 the same day, 1 the day after…"""
    if value is None:
        return None
    return (timezone.localdate() - timezone.localtime(value).date()).days
