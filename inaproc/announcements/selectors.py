"""Reads of announcements and maintenance windows, always scoped by portal."""

from datetime import datetime

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone

from inaproc.announcements.models import Announcement, Incident, MaintenanceWindow
from inaproc.core.cache import versioned_get_many, versioned_set_many, versions_bump
from inaproc.portals.models import Portal

LATEST_COUNT = 3
STAFF_PAST_WINDOWS = 20
STAFF_INCIDENTS = 50


def _published(now: datetime) -> Q:
    return Q(publish_at__lte=now) & (Q(end_at__isnull=True) | Q(end_at__gt=now))


def announcement_list_public(*, portal: Portal, now: datetime | None = None) -> QuerySet:
    """Published and not ended, pinned first, then newest."""
    now = now or timezone.now()
    return Announcement.objects.filter(_published(now), portal=portal).order_by(
        "-pinned", "-publish_at", "-pk"
    )


def announcement_latest(*, portal: Portal, limit: int = LATEST_COUNT) -> list[Announcement]:
    return list(announcement_list_public(portal=portal)[:limit])


def announcement_feed_items(*, portal: Portal, limit: int = 20) -> QuerySet:
    """For the feeds: newest first, whether pinned or not (feed readers sort by date)."""
    items = announcement_list_public(portal=portal).select_related("portal")
    return items.order_by("-publish_at", "-pk")[:limit]


def announcement_list_staff(*, portal: Portal, now: datetime | None = None) -> QuerySet:
    """Every announcement of the portal, with `state`: scheduled, published or ended."""
    now = now or timezone.now()
    state = Case(
        When(publish_at__gt=now, then=Value("scheduled")),
        When(end_at__lte=now, then=Value("ended")),
        default=Value("published"),
        output_field=CharField(),
    )
    return (
        Announcement.objects.filter(portal=portal)
        .select_related("created_by")
        .annotate(state=state)
        .order_by("-publish_at", "-pk")
    )


def _of_portal(portal: Portal | None) -> Q:
    """Windows of `portal` and those of every portal (on platform pages: the latter)."""
    every = Q(portal__isnull=True)
    return every if portal is None else every | Q(portal=portal)


def maintenance_current(*, portal: Portal | None, now: datetime) -> list[MaintenanceWindow]:
    """Windows whose banner shows now or that are under way (from `maintenance_pending`,
    the shared cache's copy when there is one)."""
    pending = maintenance_pending(portal=portal, now=now)
    return [window for window in pending if window.notice_from <= now][:10]


# Maintenance windows of a portal are asked for on every one of its pages: they come from
# the shared cache (one round trip), invalidated by every window scheduled or cancelled
# (`maintenance_changed`, from the services); the time rules are applied to the cached
# list at each request, so the entry stays right as time passes.
MAINTENANCE_NAMESPACE = "maintenance"
MAINTENANCE_ENTRY_SECONDS = 300
MAINTENANCE_PENDING_LIMIT = 50


def maintenance_pending(*, portal: Portal | None, now: datetime) -> list[MaintenanceWindow]:
    """Every window of `portal` (and of every portal) not cancelled and not over at
    `now`, whether its banner shows yet or not; soonest first."""
    key = f"maintenance:pending:{portal.pk if portal is not None else '-'}"
    found, versions = versioned_get_many([key], [MAINTENANCE_NAMESPACE])
    if key in found:
        return [window for window in found[key] if window.ends_at > now]
    windows = list(maintenance_upcoming(portal=portal, now=now)[:MAINTENANCE_PENDING_LIMIT])
    versioned_set_many({key: windows}, versions, MAINTENANCE_ENTRY_SECONDS)
    return windows


def maintenance_changed() -> None:
    """A window was scheduled or cancelled: drop the cached lists, once committed."""
    versions_bump(MAINTENANCE_NAMESPACE)


def maintenance_upcoming(
    *, portal: Portal | None, now: datetime | None = None
) -> QuerySet[MaintenanceWindow]:
    """Windows not cancelled and not over (also those whose banner is not shown yet)."""
    now = now or timezone.now()
    return MaintenanceWindow.objects.filter(
        _of_portal(portal), ends_at__gt=now, cancelled_at__isnull=True
    ).order_by("starts_at", "pk")


def maintenance_list_staff(*, portal: Portal, now: datetime | None = None) -> dict[str, list]:
    """For the portal administrator: windows still to come or under way (this portal's
    and every portal's), and the latest past or cancelled ones of this portal."""
    now = now or timezone.now()
    windows = MaintenanceWindow.objects.select_related("created_by", "portal")
    current = list(maintenance_upcoming(portal=portal, now=now).select_related("created_by"))
    past = windows.filter(Q(ends_at__lte=now) | Q(cancelled_at__isnull=False), portal=portal)
    return {
        "current": current,
        "past": list(past.order_by("-starts_at", "-pk")[:STAFF_PAST_WINDOWS]),
    }


def incident_list_staff(*, portal: Portal) -> list[Incident]:
    """The portal's latest recorded incidents, newest first."""
    incidents = Incident.objects.filter(portal=portal).select_related("recorded_by")
    return list(incidents.order_by("-starts_at", "-pk")[:STAFF_INCIDENTS])
