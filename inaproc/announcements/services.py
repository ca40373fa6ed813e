"""Writes: announcements, maintenance windows and incidents. Each change is audited in
its own transaction; validation comes first and raises ValidationError keyed by field.
A window scheduled or cancelled and an incident recorded are announced with
`signals.outage_recorded` once committed (the tenders' grace listens)."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.announcements.models import Announcement, Incident, MaintenanceWindow
from inaproc.announcements.selectors import maintenance_changed
from inaproc.announcements.signals import outage_announce
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000
MESSAGE_MAX_LENGTH = 1_000
# A maintenance window longer than three days is more likely a typo (a wrong month) than
# a plan; longer work is scheduled as several windows.
MAINTENANCE_MAX_LENGTH = timedelta(hours=72)
# "Now" typed into a form is already a minute old when it arrives.
MAINTENANCE_START_GRACE = timedelta(minutes=5)
MAINTENANCE_MAX_NOTICE = timedelta(days=7)
ANNOUNCEMENT_FIELDS = ("title", "body", "publish_at", "end_at", "pinned")


def _text_errors(values: dict[str, str], limits: dict[str, int]) -> dict[str, str]:
    errors = {}
    for name, limit in limits.items():
        value = values.get(name) or ""
        try:
            ProhibitNullCharactersValidator()(value)
        except ValidationError as error:
            errors[name] = error.messages[0]
            continue
        if not value.strip():
            errors[name] = _("This field is required.")
        elif len(value) > limit:
            errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    return errors


def announcement_errors(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with an announcement's values, by field (empty: nothing)."""
    errors = _text_errors(values, {"title": TITLE_MAX_LENGTH, "body": BODY_MAX_LENGTH})
    publish_at, end_at = values.get("publish_at"), values.get("end_at")
    if publish_at is None:
        errors["publish_at"] = _("This field is required.")
    elif end_at is not None and end_at <= publish_at:
        errors["end_at"] = _("The end must be after the publication time.")
    return errors


def announcement_create(
    *, portal: Portal, actor: Any, values: dict[str, Any], context: AuditContext | None = None
) -> Announcement:
    """A new announcement from `values` (title, body, publish_at, end_at, pinned)."""
    values = {name: values.get(name) for name in ANNOUNCEMENT_FIELDS}
    values["pinned"] = bool(values["pinned"])
    if errors := announcement_errors(values):
        raise ValidationError(errors)
    with transaction.atomic():
        announcement = Announcement.objects.create(portal=portal, created_by=actor, **values)
        audit_record(
            actor=actor,
            verb="announcement.created",
            target=announcement,
            portal=portal,
            payload=_summary(announcement),
            context=context,
        )
    return announcement


def announcement_update(
    *,
    announcement: Announcement,
    actor: Any,
    values: dict[str, Any],
    context: AuditContext | None = None,
) -> list[str]:
    """Change an announcement; returns the names of the fields that changed."""
    values = {name: values.get(name) for name in ANNOUNCEMENT_FIELDS}
    values["pinned"] = bool(values["pinned"])
    if errors := announcement_errors(values):
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().filter(pk=announcement.pk).first()
        if locked is None:  # deleted meanwhile by another administrator
            raise Announcement.DoesNotExist
        changed = [name for name in ANNOUNCEMENT_FIELDS if getattr(locked, name) != values[name]]
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            verb="announcement.updated",
            target=locked,
            portal=locked.portal,
            payload={"changed": changed, **_summary(locked)},
            context=context,
        )
    return changed


def announcement_delete(
    *, announcement: Announcement, actor: Any, context: AuditContext | None = None
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="announcement.deleted",
            target=announcement,
            portal=announcement.portal,
            payload=_summary(announcement),
            context=context,
        )
        Announcement.objects.filter(pk=announcement.pk).delete()


def _summary(announcement: Announcement) -> dict[str, Any]:
    end_at = announcement.end_at
    return {
        "publish_at": announcement.publish_at.isoformat(),
        "end_at": end_at.isoformat() if end_at else None,
        "pinned": announcement.pinned,
    }


def maintenance_errors(
    *, starts_at: datetime, ends_at: datetime, notice_from: datetime, now: datetime
) -> dict[str, str]:
    """What is wrong with a window's times, by field (empty: nothing)."""
    errors = {}
    if starts_at < now - MAINTENANCE_START_GRACE:
        errors["starts_at"] = _("The start has passed. Choose a time from now on.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    elif ends_at - starts_at > MAINTENANCE_MAX_LENGTH:
        errors["ends_at"] = _(
            "A window may last at most %(hours)d hours. Schedule longer work as several windows."
        ) % {"hours": MAINTENANCE_MAX_LENGTH // timedelta(hours=1)}
    if notice_from > starts_at:
        errors["notice_from"] = _("The banner must show before the start.")
    elif starts_at - notice_from > MAINTENANCE_MAX_NOTICE:
        errors["notice_from"] = _("The banner may show at most %(days)d days before.") % {
            "days": MAINTENANCE_MAX_NOTICE.days
        }
    return errors


def maintenance_schedule(
    *,
    portal: Portal | None,
    actor: Any,
    starts_at: datetime,
    ends_at: datetime,
    notice_from: datetime,
    message: str,
    context: AuditContext | None = None,
) -> MaintenanceWindow:
    """A window for `portal`, or for every portal when `portal` is None (operators)."""
    errors = maintenance_errors(
        starts_at=starts_at, ends_at=ends_at, notice_from=notice_from, now=timezone.now()
    )
    errors.update(_text_errors({"message": message}, {"message": MESSAGE_MAX_LENGTH}))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        window = MaintenanceWindow.objects.create(
            portal=portal,
            starts_at=starts_at,
            ends_at=ends_at,
            notice_from=notice_from,
            message=message.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            verb="maintenance.scheduled",
            target=window,
            portal=portal,
            payload=_window_summary(window),
            context=context,
        )
        outage_announce(sender=MaintenanceWindow, kind="maintenance", pk=window.pk)
        maintenance_changed()
    return window


def maintenance_cancel(
    *, window: MaintenanceWindow, actor: Any, context: AuditContext | None = None
) -> bool:
    """Cancel a window that has not ended (one under way ends at once). False when it
    was already cancelled or over: nothing changes then."""
    with transaction.atomic():
        locked = MaintenanceWindow.objects.select_for_update().filter(pk=window.pk).first()
        now = timezone.now()
        if locked is None or locked.cancelled_at is not None or locked.ends_at <= now:
            return False
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor,
            verb="maintenance.cancelled",
            target=locked,
            portal=locked.portal,
            payload=_window_summary(locked),
            context=context,
        )
        outage_announce(sender=MaintenanceWindow, kind="maintenance", pk=locked.pk)
        maintenance_changed()
    window.cancelled_at = locked.cancelled_at
    return True


def _window_summary(window: MaintenanceWindow) -> dict[str, Any]:
    return {
        "starts_at": window.starts_at.isoformat(),
        "ends_at": window.ends_at.isoformat(),
        "notice_from": window.notice_from.isoformat(),
        "all_portals": window.portal_id is None,
    }


# An incident is recorded after the fact; one older than this is history, not grace.
INCIDENT_MAX_AGE = timedelta(days=30)
INCIDENT_MAX_LENGTH = timedelta(days=7)
DESCRIPTION_MAX_LENGTH = 2_000


def incident_errors(*, starts_at: datetime, ends_at: datetime, now: datetime) -> dict[str, str]:
    """What is wrong with an incident's times, by field (empty: nothing)."""
    errors = {}
    if starts_at > now:
        errors["starts_at"] = _("An incident is recorded once it has begun.")
    elif starts_at < now - INCIDENT_MAX_AGE:
        errors["starts_at"] = _("Record incidents of the last %(days)d days.") % {
            "days": INCIDENT_MAX_AGE.days
        }
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    elif ends_at > now + MAINTENANCE_START_GRACE:
        errors["ends_at"] = _("Record the incident once it is over: its end has not come yet.")
    elif ends_at - starts_at > INCIDENT_MAX_LENGTH:
        errors["ends_at"] = _("An incident may last at most %(days)d days.") % {
            "days": INCIDENT_MAX_LENGTH.days
        }
    return errors


def incident_record(
    *,
    portal: Portal,
    actor: Any,
    starts_at: datetime,
    ends_at: datetime,
    description: str,
    context: AuditContext | None = None,
) -> Incident:
    """Record an outage of `portal` that is over. Bid deadlines in the 24 hours after
    it began get the grace of TENDERS.md §3 (the tenders app, through the signal)."""
    errors = incident_errors(starts_at=starts_at, ends_at=ends_at, now=timezone.now())
    errors.update(
        _text_errors({"description": description}, {"description": DESCRIPTION_MAX_LENGTH})
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        incident = Incident.objects.create(
            portal=portal,
            starts_at=starts_at,
            ends_at=ends_at,
            description=description.strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            verb="incident.recorded",
            target=incident,
            portal=portal,
            payload={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
            context=context,
        )
        outage_announce(sender=Incident, kind="incident", pk=incident.pk)
    return incident
