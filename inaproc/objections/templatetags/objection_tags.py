"""The objection's line in "My tenders" (a tenders template loads it: tenders cannot
import this app)."""

from collections.abc import Iterable

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.core.timefmt import wib
from inaproc.objections.models import Objection
from inaproc.objections.selectors import filing_open, objection_stage
from inaproc.tenders.models import Participation

register = template.Library()


@register.simple_tag
def objection_statuses(participations: Iterable[Participation]) -> dict[int, str]:
    """What the company should know of objections in each tender (the packages' stages
    prefetched): the window while it runs, its objection's state once filed. One query
    for all: {participation id: line}."""
    participations = list(participations)
    objections = Objection.objects.filter(participation__in=participations)
    filed = {objection.participation_id: objection for objection in objections}
    now = timezone.now()
    lines = {}
    for participation in participations:
        objection = filed.get(participation.pk)
        if objection is not None:
            if objection.answered_at is None:
                lines[participation.pk] = _("Objection filed, awaiting the answer")
            else:
                lines[participation.pk] = _("Objection answered: %(decision)s") % {
                    "decision": objection.get_decision_display()
                }
        elif filing_open(participation.package, now=now):
            stage = objection_stage(participation.package)
            lines[participation.pk] = _("Objections may be filed until %(time)s") % {
                "time": wib(stage.ends_at)  # type: ignore[union-attr]
            }
    return lines
