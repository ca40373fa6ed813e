"""Template filters of the vendors' pages."""

from datetime import datetime

from django import template
from django.utils import timezone

from inaproc.core.identity import npwp_display

register = template.Library()


@register.filter
def npwp(value: str) -> str:
    return npwp_display(value)


@register.filter
def days_since(value: datetime | None) -> int | None:
    """Calendar days (WIB) from `value` to today: 0 the same day, 1 the day after…"""
    if value is None:
        return None
    return (timezone.localdate() - timezone.localtime(value).date()).days
