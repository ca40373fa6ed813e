"""Reads about a package's schedule: its stages and their history, its template, the
portal's tender settings, and the public page a participant is sent to."""

from datetime import datetime

from django.db.models import QuerySet

from inaproc.portals.models import Portal
from inaproc.tenders import stages
from inaproc.tenders.models import (
    Package,
    PackageState,
    ScheduleChange,
    ScheduleStage,
    TenderSettings,
)
from inaproc.tenders.schedule_rules import DEFAULT_MINIMUM_STAGE_DAYS
from inaproc.tenders.stages import TEMPLATES, ScheduleTemplate, template_for


def tender_settings_of(portal: Portal) -> TenderSettings:
    """The portal's tender settings; a portal without them gets the defaults
    (`DEFAULT_MINIMUM_STAGE_DAYS`, a grace margin of 120 minutes)."""
    tender_settings, _created = TenderSettings.objects.get_or_create(
        portal=portal, defaults={"minimum_stage_days": dict(DEFAULT_MINIMUM_STAGE_DAYS)}
    )
    return tender_settings


def schedule_template_of(package: Package) -> ScheduleTemplate | None:
    """The template the package's schedule follows: the one it was set with, else the
    one its methods choose (None: no template fits the methods yet)."""
    return TEMPLATES.get(package.schedule_template) or template_for(package)


def schedule_stages(package: Package) -> QuerySet[ScheduleStage]:
    return ScheduleStage.objects.filter(package=package).order_by("position")


def schedule_history(package: Package) -> QuerySet[ScheduleChange]:
    """Every change after publication, newest first, with its stage and author."""
    return (
        ScheduleChange.objects.filter(package=package)
        .select_related("stage", "changed_by")
        .order_by("-created_at", "-pk")
    )


def bid_deadline_between(portal_id: int, since: datetime, until: datetime) -> bool:
    """Whether a published tender of the portal had its bid deadline in (since, until]:
    the transparency log then signs a tree head (settings.TREE_HEAD_DEADLINE_CHECK)."""
    return ScheduleStage.objects.filter(
        package__portal_id=portal_id,
        package__state=PackageState.PUBLISHED,
        key=stages.BID_UPLOAD,
        ends_at__gt=since,
        ends_at__lte=until,
    ).exists()
