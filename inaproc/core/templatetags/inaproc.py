from datetime import datetime

from django import forms, template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def wib(value: datetime | None) -> str:
    """A moment in Asia/Jakarta with its zone: `25 November 2026 14:05 WIB`."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'j F Y H:i')} {local.tzname()}"


@register.filter
def accessible_widget(field: forms.BoundField) -> str:
    """Render a field's widget tied to its help text and its errors for screen readers."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs = {"aria-describedby": " ".join(described_by)} if described_by else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
