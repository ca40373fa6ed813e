from decimal import Decimal

from django import template

from inaproc.tenders import money

register = template.Library()


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    return money.rupiah(value)


@register.filter
def rupiah_short(value: Decimal | int | None) -> str:
    return money.rupiah_short(value)
