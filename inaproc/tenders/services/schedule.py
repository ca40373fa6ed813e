"""Writes: a package's schedule before publication (`schedule_set`), its changes after
publication (`schedule_change` / `schedule_stage_change`, shared by the officials' form
and the grace for platform failure), and the portal's tender settings.

Every write locks the package row first (`select_for_update`), reads the stages under
that lock and validates against them, so two changes at once follow each other and
neither is lost.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal
from inaproc.tenders.links import public_tender_link
from inaproc.tenders.models import (
    Package,
    PackageState,
    PublicationApproval,
    ScheduleChange,
    ScheduleStage,
    TenderSettings,
)
from inaproc.tenders.schedule_rules import MAXIMUM_MINIMUM_DAYS, ends_field, schedule_errors
from inaproc.tenders.selectors.participation import participant_addresses
from inaproc.tenders.selectors.schedule import (
    schedule_template_of,
    tender_settings_of,
)
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.packages import package_editor_kind
from inaproc.tenders.services.participation import package_reminders_plan
from inaproc.tenders.services.participation_mail import email_to
from inaproc.tenders.services.translog_events import log_schedule_changed
from inaproc.tenders.stages import BID_UPLOAD, STAGE_NAMES, stage_name

REASON_MAX_LENGTH = 2_000
# States in which the schedule is still being prepared and is replaced as a whole.
EDITABLE_STATES = (PackageState.DRAFT, PackageState.ASSIGNED)
MAXIMUM_GRACE_MARGIN_MINUTES = 7 * 24 * 60

Times = dict[str, tuple[datetime, datetime]]


def _refuse(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def schedule_set(*, package: Package, times: Times, by: Any, context: AuditContext | None) -> None:
    """Set the whole schedule of a package not yet published (replacing its rows in one
    transaction), as its PPK while it is a draft or its runner while it is assigned (the
    editors of `package_editor_kind`, checked again under the lock). A schedule that
    differs from the one before withdraws the publication approvals given so far: they
    approved the former one. Raises ValidationError by field (`schedule_rules`)."""
    with transaction.atomic():
        locked = package_locked(package.pk)
        if locked.state not in EDITABLE_STATES:
            raise _refuse(_("The tender is published: change the schedule with a reason."))
        if package_editor_kind(package=locked, user=by) is None:
            raise _refuse(_("You cannot set the schedule of this package now."))
        template = schedule_template_of(locked)
        if template is None:
            raise _refuse(_("No schedule template fits the package's methods."))
        minimum = tender_settings_of(locked.portal).minimum_stage_days
        now = timezone.now()
        if errors := schedule_errors(template=template, times=times, now=now, minimum_days=minimum):
            raise ValidationError(errors)
        before = {
            stage.key: (stage.starts_at, stage.ends_at)
            for stage in ScheduleStage.objects.filter(package=locked)
        }
        keys = template.keys()
        withdrawn = 0
        if before != {key: times[key] for key in keys}:
            withdrawn = PublicationApproval.objects.filter(package=locked).delete()[0]
        ScheduleStage.objects.filter(package=locked).delete()
        ScheduleStage.objects.bulk_create(
            ScheduleStage(
                package=locked,
                position=position,
                key=key,
                starts_at=times[key][0],
                ends_at=times[key][1],
            )
            for position, key in enumerate(template.keys(), start=1)
        )
        locked.schedule_template = template.key
        locked.save(update_fields=["schedule_template", "updated_at"])
        audit_record(
            actor=by,
            verb="tender.schedule_set",
            target=locked,
            portal=locked.portal,
            payload={
                "template": template.key,
                "stages": _times_payload(times, template.keys()),
                "approvals_withdrawn": withdrawn,
            },
            context=context,
        )


def schedule_stage_change(
    *,
    package: Package,
    stage_key: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    by: Any,
    context: AuditContext | None,
    outage: str = "",
) -> list[ScheduleChange]:
    """Change one stage of a published tender (see `schedule_change`)."""
    return schedule_change(
        package=package,
        times={stage_key: (starts_at, ends_at)},
        reason=reason,
        by=by,
        context=context,
        outage=outage,
    )


def schedule_change(
    *,
    package: Package,
    times: Times,
    reason: str,
    by: Any,
    context: AuditContext | None,
    outage: str = "",
) -> list[ScheduleChange]:
    """Change stages of a published tender: `times` maps stage keys to their new start
    and end (stages not named, or named with their present times, stay as they are).

    Each changed stage gets a ScheduleChange (the public history) and one more change
    count; every participant gets an email; the change is audited. `by` None with
    `outage` ("incident:<id>" / "maintenance:<id>") is the platform's grace
    (`services.grace`), which may extend a bid deadline that passed during the outage.
    Raises ValidationError by field (`schedule_rules`, "reason")."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = package_locked(package.pk)
        if locked.state != PackageState.PUBLISHED:
            raise _refuse(_("Only a published tender's schedule is changed with a reason."))
        stages = {
            stage.key: stage
            for stage in ScheduleStage.objects.select_for_update().filter(package=locked)
        }
        changed = _changed(stages, times)
        _validate_change(locked, stages, times, reason, outage=outage, changed=changed)
        changes = [
            _apply(stages[key], times[key], reason=reason, by=by, outage=outage) for key in changed
        ]
        audit_record(
            actor=by,
            verb="tender.schedule_changed",
            target=locked,
            portal=locked.portal,
            reason=reason,
            payload={"stages": _times_payload(times, changed), "outage": outage},
            context=context,
        )
        log_schedule_changed(locked, changes, reason)  # transparency log (translog)
        _notify_participants(locked, changes, reason=reason)
        if BID_UPLOAD in changed:
            # The reminders follow the deadline (each sends once per deadline).
            package_reminders_plan(package=locked)
    return changes


def _changed(stages: dict[str, ScheduleStage], times: Times) -> list[str]:
    unknown = [key for key in times if key not in stages]
    if unknown:
        raise _refuse(_("The schedule has no stage “%(stage)s”.") % {"stage": unknown[0]})
    ordered = sorted(stages.values(), key=lambda stage: stage.position)
    return [
        stage.key
        for stage in ordered
        if stage.key in times and times[stage.key] != (stage.starts_at, stage.ends_at)
    ]


def _validate_change(
    package: Package,
    stages: dict[str, ScheduleStage],
    times: Times,
    reason: str,
    *,
    outage: str,
    changed: list[str],
) -> None:
    errors: dict[str, list[str]] = {}
    if not changed:
        errors[NON_FIELD_ERRORS] = [_("Nothing was changed: no stage has new times.")]
    if not reason:
        errors["reason"] = [_("Write the reason for the change; participants read it.")]
    elif len(reason) > REASON_MAX_LENGTH or "\x00" in reason:
        errors["reason"] = [_("At most %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}]
    template = schedule_template_of(package)
    if template is not None and not outage:
        current = {key: (stage.starts_at, stage.ends_at) for key, stage in stages.items()}
        errors.update(
            schedule_errors(
                template=template,
                times={**current, **times},
                now=timezone.now(),
                minimum_days=tender_settings_of(package.portal).minimum_stage_days,
                current=current,
            )
        )
    for key in changed if outage else ():
        if times[key][1] <= times[key][0]:
            errors[ends_field(key)] = [_("The end must be after the start.")]
    if errors:
        raise ValidationError(errors)


def _apply(
    stage: ScheduleStage, new: tuple[datetime, datetime], *, reason: str, by: Any, outage: str
) -> ScheduleChange:
    change = ScheduleChange.objects.create(
        stage=stage,
        package_id=stage.package_id,
        previous_starts_at=stage.starts_at,
        previous_ends_at=stage.ends_at,
        starts_at=new[0],
        ends_at=new[1],
        reason=reason,
        changed_by=_actor(by),
        outage=outage,
    )
    ScheduleStage.objects.filter(pk=stage.pk).update(
        starts_at=new[0], ends_at=new[1], change_count=F("change_count") + 1
    )
    stage.starts_at, stage.ends_at = new
    return change


def _times_payload(times: Times, keys: list[str]) -> dict[str, list[str]]:
    return {key: [times[key][0].isoformat(), times[key][1].isoformat()] for key in keys}


def _notify_participants(package: Package, changes: list[ScheduleChange], *, reason: str) -> None:
    context = {
        "package_name": package.name,
        "package_code": package.code,
        "reason": reason,
        "by_platform": not changes or changes[0].changed_by_id is None,
        "changes": [
            {
                "stage": stage_name(change.stage.key),
                "previous_starts_at": change.previous_starts_at,
                "previous_ends_at": change.previous_ends_at,
                "starts_at": change.starts_at,
                "ends_at": change.ends_at,
            }
            for change in changes
        ],
        "schedule_url": public_tender_link(package.portal, package.code, page="schedule"),
    }
    email_to(
        participant_addresses(package),
        package=package,
        template="tenders/email/schedule_changed",
        context=context,
    )


def tender_settings_update(
    *,
    portal: Portal,
    outage_grace_margin_minutes: int,
    minimum_stage_days: dict[str, int],
    by: Any,
    context: AuditContext | None,
) -> TenderSettings:
    """The portal administrator's tender rules: the grace margin and the minimum stage
    lengths (stage keys of `tenders.stages`; 0 or missing: no minimum)."""
    errors = {}
    if not 0 <= outage_grace_margin_minutes <= MAXIMUM_GRACE_MARGIN_MINUTES:
        errors["outage_grace_margin_minutes"] = _("From 0 to %(limit)d minutes.") % {
            "limit": MAXIMUM_GRACE_MARGIN_MINUTES
        }
    for key, days in minimum_stage_days.items():
        if key not in STAGE_NAMES or not 0 <= days <= MAXIMUM_MINIMUM_DAYS:
            errors[key] = _("From 0 to %(limit)d days.") % {"limit": MAXIMUM_MINIMUM_DAYS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tender_settings_of(portal)
        locked = TenderSettings.objects.select_for_update().get(portal=portal)
        before = (locked.outage_grace_margin_minutes, dict(locked.minimum_stage_days))
        locked.outage_grace_margin_minutes = outage_grace_margin_minutes
        locked.minimum_stage_days = {key: days for key, days in minimum_stage_days.items() if days}
        locked.save()
        audit_record(
            actor=by,
            verb="tender.settings_updated",
            target=None,
            portal=portal,
            payload={
                "before": {"margin_minutes": before[0], "minimum_stage_days": before[1]},
                "after": {
                    "margin_minutes": locked.outage_grace_margin_minutes,
                    "minimum_stage_days": locked.minimum_stage_days,
                },
            },
            context=context,
        )
    return locked
