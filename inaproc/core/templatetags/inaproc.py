from django import forms, template

from inaproc.core.timefmt import wib

register = template.Library()
register.filter("wib", wib)


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
