"""The award's line in "My tenders" and on the participant's tender page (tenders
templates load it: tenders cannot import this app)."""

from collections.abc import Iterable

from django import template
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from inaproc.award.models import AwardLetter, Contract
from inaproc.tenders.models import Participation

register = template.Library()


@register.simple_tag
def award_statuses(participations: Iterable[Participation]) -> dict[int, str]:
    """What each winning company should know: the award letter issued, the contract
    recorded; nothing for every other participation. One query for all:
    {participation id: line}."""
    letters = (
        AwardLetter.objects.filter(winner__in=list(participations))
        .annotate(has_contract=Exists(Contract.objects.filter(award_letter=OuterRef("pk"))))
        .order_by("-pk")  # the first letter of a winner wins, as .first() chose it
    )
    lines = {}
    for letter in letters:
        if letter.has_contract:
            line = _("Award letter %(number)s and contract") % {"number": letter.number}
        else:
            line = _("Award letter %(number)s issued") % {"number": letter.number}
        lines[letter.winner_id] = line
    return lines


@register.simple_tag
def award_status(participation: Participation) -> str:
    """`award_statuses` of one participation (the participant's tender page)."""
    return award_statuses([participation]).get(participation.pk, "")
