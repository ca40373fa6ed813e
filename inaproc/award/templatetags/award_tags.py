"""The award's line in "My tenders" and on the participant's tender page (tenders
templates load it: tenders cannot import this app)."""

from django import template
from django.utils.translation import gettext as _

from inaproc.award.models import AwardLetter, Contract
from inaproc.tenders.models import Participation

register = template.Library()


@register.simple_tag
def award_status(participation: Participation) -> str:
    """What the winning company should know: the award letter issued, the contract
    recorded; empty for every other participation."""
    letter = AwardLetter.objects.filter(winner=participation).first()
    if letter is None:
        return ""
    if Contract.objects.filter(award_letter=letter).exists():
        return _("Award letter %(number)s and contract") % {"number": letter.number}
    return _("Award letter %(number)s issued") % {"number": letter.number}
