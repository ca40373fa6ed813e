"""Grace for platform failure (TENDERS.md §3): when the portal was unavailable in the
last 24 hours before a published tender's bid deadline, the deadline moves, as an
ordinary schedule change (`schedule_change`) by the platform (`changed_by` None).

The choices, documented in docs/tenders-schedule.md:
- Outages: an Incident of the portal; a MaintenanceWindow of the portal or of every
  portal (portal None), not cancelled before it began (one cancelled while under way
  counts until it was cancelled). A scheduled window moves deadlines as soon as it is
  scheduled, so participants know ahead; cancelling it later moves nothing back (a
  deadline never moves earlier).
- Which deadlines: an outage that overlaps [deadline − 24 h, deadline), judged against
  the deadline as it stands when the grace is applied. A deadline that passed during
  or after the outage is extended too (bid upload reopens), unless it passed more than
  `GRACE_AFTER_DEADLINE` ago (then the officials decide by hand).
- By how much: the part of the outage from the start of those 24 hours to its end
  (including any part after the deadline: when the portal came back after the
  deadline, participants still get the time they lost), minus any time already granted
  for another outage of the same deadline (an incident recorded twice, or overlapping a
  maintenance window, is granted once), plus the portal's margin
  (`TenderSettings.outage_grace_margin_minutes`, default 120).
- Later stages that would then break the order of the template (start before the new
  deadline, or before the stage they follow) move by the same amount, with the same
  reason.
- Idempotent: ScheduleChange is unique per (stage, outage), checked under the package
  lock; running the grace again, or recording nothing new, moves nothing.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inaproc.announcements.models import Incident, MaintenanceWindow
from inaproc.core.timefmt import wib
from inaproc.tenders.models import Package, PackageState, ScheduleChange, ScheduleStage
from inaproc.tenders.selectors.participation import package_with_stages, stage_of
from inaproc.tenders.selectors.schedule import schedule_template_of, tender_settings_of
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.schedule import schedule_change
from inaproc.tenders.stages import BID_UPLOAD

logger = logging.getLogger(__name__)

GRACE_WINDOW = timedelta(hours=24)
# A deadline that passed longer ago than this is not reopened automatically.
GRACE_AFTER_DEADLINE = timedelta(hours=72)
# The command looks at outages that ended this recently (or are under way).
RECENT_OUTAGES = GRACE_WINDOW + GRACE_AFTER_DEADLINE

INCIDENT, MAINTENANCE = "incident", "maintenance"


@dataclass(frozen=True)
class Outage:
    kind: str
    pk: int
    portal_id: int | None
    starts_at: datetime
    ends_at: datetime

    @property
    def tag(self) -> str:
        return f"{self.kind}:{self.pk}"


def outage_of_incident(incident: Incident) -> Outage:
    return Outage(INCIDENT, incident.pk, incident.portal_id, incident.starts_at, incident.ends_at)


def outage_of_window(window: MaintenanceWindow) -> Outage | None:
    """The time a window kept the portal down; None when it was cancelled before."""
    ends_at = window.ends_at
    if window.cancelled_at is not None:
        ends_at = min(ends_at, window.cancelled_at)
    if ends_at <= window.starts_at:
        return None
    return Outage(MAINTENANCE, window.pk, window.portal_id, window.starts_at, ends_at)


def outage_load(kind: str, pk: int) -> Outage | None:
    if kind == INCIDENT:
        incident = Incident.objects.filter(pk=pk).first()
        return outage_of_incident(incident) if incident else None
    if kind == MAINTENANCE:
        window = MaintenanceWindow.objects.filter(pk=pk).first()
        return outage_of_window(window) if window else None
    return None


def _outage_of_tag(tag: str) -> Outage | None:
    kind, _sep, pk = tag.partition(":")
    return outage_load(kind, int(pk)) if pk.isdigit() else None


def outages_recent(*, now: datetime) -> list[Outage]:
    """Outages that began by now and ended at most RECENT_OUTAGES ago, plus windows
    scheduled ahead (granted as soon as they are known)."""
    since = now - RECENT_OUTAGES
    incidents = Incident.objects.filter(ends_at__gte=since)
    windows = MaintenanceWindow.objects.filter(ends_at__gte=since)
    outages = [outage_of_incident(incident) for incident in incidents]
    outages += [outage for window in windows if (outage := outage_of_window(window))]
    return outages


def grace_apply(*, outage: Outage, now: datetime | None = None) -> list[int]:
    """Apply one outage to every bid deadline it touches; returns the ids of the
    packages whose schedule moved. Safe to run again."""
    now = now or timezone.now()
    deadlines = ScheduleStage.objects.filter(
        key=BID_UPLOAD,
        package__state=PackageState.PUBLISHED,
        ends_at__gt=outage.starts_at,
        ends_at__lt=outage.ends_at + GRACE_WINDOW,
        ends_at__gte=now - GRACE_AFTER_DEADLINE,
    ).exclude(changes__outage=outage.tag)
    if outage.portal_id is not None:
        deadlines = deadlines.filter(package__portal_id=outage.portal_id)
    moved = []
    for package_id in deadlines.values_list("package_id", flat=True):
        if grace_apply_to_package(package_id=package_id, outage=outage, now=now):
            moved.append(package_id)
    return moved


def grace_apply_recent(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Every recent outage (the `apply_outage_grace` command): outage tag -> packages
    moved now."""
    now = now or timezone.now()
    moved = {}
    for outage in outages_recent(now=now):
        if packages := grace_apply(outage=outage, now=now):
            moved[outage.tag] = packages
    return moved


def grace_apply_to_package(*, package_id: int, outage: Outage, now: datetime) -> bool:
    with transaction.atomic():
        try:
            package = package_locked(package_id)
        except Package.DoesNotExist:
            return False
        if package.state != PackageState.PUBLISHED:
            return False
        if outage.portal_id is not None and package.portal_id != outage.portal_id:
            return False
        stages = list(ScheduleStage.objects.filter(package=package).order_by("position"))
        deadline_stage = stage_of(package_with_stages(package, stages), BID_UPLOAD)
        if deadline_stage is None or _already_applied(deadline_stage, outage):
            return False
        deadline = deadline_stage.ends_at
        if not (outage.starts_at < deadline and outage.ends_at > deadline - GRACE_WINDOW):
            return False
        if deadline < now - GRACE_AFTER_DEADLINE:
            return False
        lost = _time_lost(deadline_stage, outage, deadline)
        if lost <= timedelta(0):
            return False
        margin = timedelta(minutes=tender_settings_of(package.portal).outage_grace_margin_minutes)
        times = _moved_times(package, stages, deadline_stage, lost + margin)
        schedule_change(
            package=package,
            times=times,
            reason=_reason(outage),
            by=None,
            context=None,
            outage=outage.tag,
        )
    logger.info("outage %s moved the bid deadline of package %s", outage.tag, package_id)
    return True


def _already_applied(stage: ScheduleStage, outage: Outage) -> bool:
    return ScheduleChange.objects.filter(stage=stage, outage=outage.tag).exists()


def _time_lost(stage: ScheduleStage, outage: Outage, deadline: datetime) -> timedelta:
    """The outage from the start of the last 24 hours to its end, less the time other
    outages already granted to this deadline."""
    start = max(outage.starts_at, deadline - GRACE_WINDOW)
    granted = []
    tags = ScheduleChange.objects.filter(stage=stage).exclude(outage="")
    for tag in set(tags.values_list("outage", flat=True)):
        other = _outage_of_tag(tag)
        if other is not None:
            granted.append((other.starts_at, other.ends_at))
    return _uncovered(start, outage.ends_at, granted)


def _uncovered(
    start: datetime, end: datetime, covered: list[tuple[datetime, datetime]]
) -> timedelta:
    """The length of [start, end) outside the `covered` intervals."""
    total = timedelta(0)
    cursor = start
    for covered_start, covered_end in sorted(covered):
        if covered_end <= cursor:
            continue
        if covered_start >= end:
            break
        if covered_start > cursor:
            total += covered_start - cursor
        cursor = max(cursor, covered_end)
        if cursor >= end:
            return total
    return total + max(end - cursor, timedelta(0))


def _moved_times(
    package: Package, stages: list[ScheduleStage], deadline_stage: ScheduleStage, delta: timedelta
) -> dict[str, tuple[datetime, datetime]]:
    """The new deadline, and every later stage that would otherwise break the order of
    the template moved by the same amount."""
    template = schedule_template_of(package)
    after_previous_ends = (
        {stage.key: stage.after_previous_ends for stage in template.stages} if template else {}
    )
    new_deadline = deadline_stage.ends_at + delta
    times = {BID_UPLOAD: (deadline_stage.starts_at, new_deadline)}
    previous_starts, previous_ends = deadline_stage.starts_at, new_deadline
    for stage in stages:
        if stage.position <= deadline_stage.position:
            continue
        starts_at, ends_at = stage.starts_at, stage.ends_at
        limit = previous_ends if after_previous_ends.get(stage.key) else previous_starts
        if starts_at < limit or starts_at < new_deadline:
            starts_at, ends_at = starts_at + delta, ends_at + delta
            times[stage.key] = (starts_at, ends_at)
        previous_starts, previous_ends = starts_at, ends_at
    return times


def _reason(outage: Outage) -> str:
    """In the platform's language: the history is public and the same for everyone."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"start": wib(outage.starts_at), "end": wib(outage.ends_at)}
        if outage.kind == MAINTENANCE:
            return (
                _("Automatic extension because of portal maintenance %(start)s – %(end)s.") % values
            )
        return _("Automatic extension because of a portal outage %(start)s – %(end)s.") % values
