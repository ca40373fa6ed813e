from decimal import Decimal

from django import template

from inaproc.spse.rows import money

register = template.Library()


@register.filter
def spse_money(value: Decimal | None) -> str:
    """`Rp 1.000.000.000,00`, or `-` without a value."""
    return money(value)
