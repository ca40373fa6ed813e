"""The rules a schedule must follow (TENDERS.md §3), as one pure function: what is wrong
with a proposed schedule, by form field, all errors in one pass.

Before publication (a draft or a package with its Pokja) every stage is checked. After
publication only what changes is checked against the rules of a published tender: an
ended stage stays as it is, a running stage keeps its start, the bid deadline moves only
later, and a moved stage must still follow the order of the template.

Minimum lengths come from the portal's `TenderSettings.minimum_stage_days`; a portal
starts with `DEFAULT_MINIMUM_STAGE_DAYS`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inaproc.core.timefmt import wib
from inaproc.tenders.stages import BID_UPLOAD, CLARIFICATION, ScheduleTemplate, stage_name

# A new portal's minimum stage lengths, in whole days (its administrator changes them on
# staf/pengaturan/tender/): bids can be uploaded for at least a day, questions asked
# for at least a day, and an objection period (masa sanggah) lasts at least three days.
# Stages not listed have no minimum beyond "ends after it starts".
DEFAULT_MINIMUM_STAGE_DAYS: dict[str, int] = {
    BID_UPLOAD: 1,
    CLARIFICATION: 1,
    "masa_sanggah": 3,
    "sanggah_prakualifikasi": 3,
}
# The longest minimum an administrator may set (a typo guard).
MAXIMUM_MINIMUM_DAYS = 60
# A time typed as "now" is already a minute old when the form arrives.
PAST_TOLERANCE = timedelta(minutes=5)

Times = tuple[datetime | None, datetime | None]


def starts_field(key: str) -> str:
    return f"{key}__starts_at"


def ends_field(key: str) -> str:
    return f"{key}__ends_at"


@dataclass
class _Errors:
    by_field: dict[str, list[str]]

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)


def schedule_errors(
    *,
    template: ScheduleTemplate,
    times: Mapping[str, Times],
    now: datetime,
    minimum_days: dict[str, int],
    current: dict[str, tuple[datetime, datetime]] | None = None,
) -> dict[str, list[str]]:
    """What is wrong with `times` (stage key -> start, end), by field name
    (`starts_field(key)` / `ends_field(key)`); empty when nothing is.

    `current`: the schedule as published (stage key -> start, end); None before
    publication, when every stage is checked as new.
    """
    errors = _Errors({})
    previous = None
    for stage in template.stages:
        starts_at, ends_at = times.get(stage.key, (None, None))
        if starts_at is None or ends_at is None:
            if starts_at is None:
                errors.add(starts_field(stage.key), _("Enter the start."))
            if ends_at is None:
                errors.add(ends_field(stage.key), _("Enter the end."))
            previous = None
            continue
        old = current.get(stage.key) if current is not None else None
        checked = old is None or old != (starts_at, ends_at)
        if checked:
            _check_stage(errors, stage.key, starts_at, ends_at, minimum_days)
            if old is None:
                _check_not_past(errors, stage.key, starts_at, now)
            else:
                _check_published(errors, stage.key, (starts_at, ends_at), old, now)
        if previous is not None and (checked or previous[3]):
            _check_order(errors, stage, starts_at, previous)
        previous = (stage.key, starts_at, ends_at, checked)
    return errors.by_field


def _check_stage(
    errors: _Errors, key: str, starts_at: datetime, ends_at: datetime, minimum_days: dict
) -> None:
    if ends_at <= starts_at:
        errors.add(ends_field(key), _("The end must be after the start."))
        return
    days = int(minimum_days.get(key) or 0)
    if days and ends_at - starts_at < timedelta(days=days):
        errors.add(
            ends_field(key),
            ngettext(
                "This stage must last at least %(days)d day.",
                "This stage must last at least %(days)d days.",
                days,
            )
            % {"days": days},
        )


def _check_not_past(errors: _Errors, key: str, starts_at: datetime, now: datetime) -> None:
    if starts_at < now - PAST_TOLERANCE:
        errors.add(starts_field(key), _("This time has passed. Choose a time from now on."))


def _check_published(
    errors: _Errors,
    key: str,
    new: tuple[datetime, datetime],
    old: tuple[datetime, datetime],
    now: datetime,
) -> None:
    (starts_at, ends_at), (old_starts, old_ends) = new, old
    if old_ends <= now:
        errors.add(
            starts_field(key) if starts_at != old_starts else ends_field(key),
            _("This stage has ended (%(time)s); it cannot be moved.") % {"time": wib(old_ends)},
        )
        return
    if starts_at != old_starts:
        if old_starts <= now:
            errors.add(
                starts_field(key),
                _("This stage is under way since %(time)s; its start cannot be moved.")
                % {"time": wib(old_starts)},
            )
        elif starts_at < now - PAST_TOLERANCE:
            errors.add(starts_field(key), _("This time has passed. Choose a time from now on."))
    if ends_at != old_ends and ends_at <= now:
        errors.add(ends_field(key), _("This time has passed. Choose a time from now on."))
    if key == BID_UPLOAD and ends_at < old_ends:
        errors.add(
            ends_field(key),
            _("The bid deadline may be extended, never brought forward: it is %(time)s now.")
            % {"time": wib(old_ends)},
        )


def _check_order(errors: _Errors, stage, starts_at: datetime, previous: tuple) -> None:
    previous_key, previous_starts, previous_ends, _checked = previous
    name = stage_name(previous_key)
    if stage.after_previous_ends and starts_at < previous_ends:
        errors.add(
            starts_field(stage.key),
            _("This stage may start only once “%(previous)s” has ended (%(time)s).")
            % {"previous": name, "time": wib(previous_ends)},
        )
    elif starts_at < previous_starts:
        errors.add(
            starts_field(stage.key),
            _("This stage may not start before “%(previous)s” starts (%(time)s).")
            % {"previous": name, "time": wib(previous_starts)},
        )
