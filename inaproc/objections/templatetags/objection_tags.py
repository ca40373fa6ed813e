"""The objection's line in "My tenders" (a tenders template loads it: tenders cannot
import this app)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.core.timefmt import wib
from inaproc.objections.models import Objection
from inaproc.objections.selectors import filing_open, objection_stage
from inaproc.tenders.models import Participation

register = template.Library()


@register.simple_tag
def objection_status(participation: Participation) -> str:
    """What the company should know of objections in this tender: the window while it
    runs, its objection's state once filed; empty otherwise."""
    objection = Objection.objects.filter(participation=participation).first()
    if objection is not None:
        if objection.answered_at is None:
            return _("Objection filed, awaiting the answer")
        return _("Objection answered: %(decision)s") % {
            "decision": objection.get_decision_display()
        }
    package = participation.package
    if filing_open(package, now=timezone.now()):
        stage = objection_stage(package)
        return _("Objections may be filed until %(time)s") % {"time": wib(stage.ends_at)}  # type: ignore[union-attr]
    return ""
