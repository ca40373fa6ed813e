"""`{% load helpdesk_tags %}`: `{{ event.verb|action_label }}` names an audited action in
the reader's language (the ticket page's staff actions)."""

from django import template

from inaproc.helpdesk.selectors.tickets import action_label as _action_label

register = template.Library()


@register.filter
def action_label(verb: str) -> str:
    return _action_label(verb)
