from decimal import Decimal

from django import template

from inaproc.tenders import money
from inaproc.tenders.stages import stage_name

register = template.Library()


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    return money.rupiah(value)


@register.filter
def rupiah_short(value: Decimal | int | None) -> str:
    return money.rupiah_short(value)


@register.filter
def stage_label(key: str) -> str:
    """SPSE's name of a stage key."""
    return stage_name(key)
