from collections.abc import Mapping
from typing import Any, TypeGuard

from django import forms, template
from django.template.defaulttags import querystring
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from inaproc.core.timefmt import wib

register = template.Library()
register.filter("wib", wib)


def _is_form(value: object) -> TypeGuard[forms.BaseForm | forms.BaseFormSet]:
    # type(), not isinstance(): isinstance would evaluate the context's lazy objects (the
    # CSRF token among them, which would then set its cookie on every page).
    return issubclass(type(value), forms.BaseForm | forms.BaseFormSet)


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context, *messages: object) -> str:
    """`{% error_title_prefix %}` in the page title: "Error – " when the page shows
    errors of a submit, so that the title (what a screen reader reads first, the tab's
    name) says it failed. That is when a bound form (or formset) of the page's context
    has errors, or when one of `messages` (a page's own error message, e.g. "wait a
    minute", or a form the context holds under another name) is not empty."""
    values = [value for value in context.flatten().values() if _is_form(value)]
    failed = any(value.is_bound and value.errors for value in values) or any(
        (message.is_bound and bool(message.errors)) if _is_form(message) else bool(message)
        for message in messages
    )
    return pgettext("page title", "Error") + " – " if failed else ""


@register.filter
def accessible_widget(field: forms.BoundField) -> str:
    """Render a field's widget tied to its help text and its errors for screen readers;
    after a failed submit without its own `autofocus`."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs: dict[str, str | bool] = (
        {"aria-describedby": " ".join(described_by)} if described_by else {}
    )
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.form.is_bound and field.form.errors:
        # The error box above the form takes the focus (components/error_summary.html):
        # a page has one `autofocus`.
        attrs["autofocus"] = False
    return field.as_widget(attrs=attrs)


_FIELD = '<div class="field{}">\n  <label for="{}">{}</label>\n  {}\n  {}\n  {}\n</div>\n'


def field_html(field: forms.BoundField) -> SafeString:
    """A field as components/field.html draws it, the same HTML written in Python: a
    template include per field costs about as much as the field's widget itself."""
    errors = field.errors
    return format_html(
        _FIELD,
        " has-error" if errors else "",
        field.id_for_label,
        field.label,
        format_html('<p class="help" id="{}_help">{}</p>', field.auto_id, field.help_text)
        if field.help_text
        else "",
        format_html(
            '<div class="field-errors" id="{}_errors">{}</div>',
            field.auto_id,
            format_html_join("", "<p>{}</p>", ((error,) for error in errors)),
        )
        if errors
        else "",
        accessible_widget(field),
    )


@register.simple_tag
def form_fields(form: forms.BaseForm) -> SafeString:
    """`{% form_fields form %}`: every field of `form`, each as
    `{% include "components/field.html" %}` draws it (for the forms drawn on every
    request of a busy page: the national search's twelve fields)."""
    return mark_safe("".join(field_html(field) for field in form))  # noqa: S308 (format_html's)


class TableNode(template.Node):
    """`{% table %}`: see `table` below."""

    def __init__(self, caption, options, columns, rows) -> None:
        self.caption = caption
        self.options = options
        self.columns = columns
        self.rows = rows

    def render(self, context: template.Context) -> str:
        values = {"labelledby": None, "stack": False, "table_id": None, "table_class": None}
        values.update({name: value.resolve(context) for name, value in self.options.items()})
        values["caption"] = self.caption.resolve(context)
        values["columns"] = mark_safe(self.columns.render(context))  # noqa: S308 - rendered, escaped
        values["rows"] = mark_safe(self.rows.render(context))  # noqa: S308 - rendered, escaped
        component = context.template.engine.get_template("components/table.html")
        with context.push(**values):
            return component.render(context)


@register.tag
def table(parser: template.base.Parser, token: template.base.Token) -> TableNode:
    """A data table in components/table.html: the scrolling wrapper, the (visually hidden)
    caption, the header row and the body; the page gives only its columns and rows.

        {% table _("Tickets, oldest first") labelledby="queue-heading" %}
          <th scope="col">{% translate "Ticket" %}</th> …
        {% rows %}
          {% for ticket in tickets %}<tr>…</tr>{% endfor %}
        {% endtable %}

    The wrapper is always a region that takes the focus (a table wider than the screen
    scrolls inside it, and the keyboard scrolls it), named by the caption or, with
    labelledby="id", by that heading. stack=True lays each row out as a block on narrow
    screens: every cell then carries its column's name in data-label; stack="wide" does
    so on tablets too (a table of many columns). table_id and
    table_class go on the <table>. region=True is accepted and changes nothing (every
    table is a region now).
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% table %} needs a caption.")
    caption = parser.compile_filter(bits[1])
    options = template.base.token_kwargs(bits[2:], parser, support_legacy=False)
    if len(options) != len(bits) - 2 or not set(options) <= TABLE_OPTIONS:
        raise template.TemplateSyntaxError(
            f"{{% table %}} takes a caption and the options {sorted(TABLE_OPTIONS)}."
        )
    columns = parser.parse(("rows",))
    parser.delete_first_token()
    rows = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(caption, options, columns, rows)


TABLE_OPTIONS = {"labelledby", "region", "stack", "table_id", "table_class"}


@register.filter
def get_item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """`{{ lines|get_item:row.pk }}`: the value of `key` in a mapping a tag made for all
    rows at once (one query instead of one per row); None when absent."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int, param: str = "") -> str:
    """`{% page_query 2 "pokja_page" %}`: the query string of page `number` of a list
    whose page number is `param` ("page" when empty), the rest of the query kept (the
    filters, the other lists' pages), as `{% querystring %}` writes it."""
    return querystring(context, None, **{param or "page": number})
