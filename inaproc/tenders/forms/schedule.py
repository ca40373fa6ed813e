"""The schedule form (a start and an end per stage of the template, typed in WIB) and
the portal administrator's tender settings. The rules live in `schedule_rules` and the
services, which report errors by the field names used here."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.announcements.forms import WibDateTimeField
from inaproc.tenders.models import ScheduleStage, TenderSettings
from inaproc.tenders.schedule_rules import MAXIMUM_MINIMUM_DAYS, ends_field, starts_field
from inaproc.tenders.services.schedule import MAXIMUM_GRACE_MARGIN_MINUTES, REASON_MAX_LENGTH
from inaproc.tenders.stages import STAGE_NAMES, ScheduleTemplate


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


class ScheduleForm(forms.Form):
    """One start and one end per stage; with `published`, a reason too."""

    def __init__(
        self,
        *args,
        template: ScheduleTemplate,
        stages: list[ScheduleStage],
        published: bool,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.current = {stage.key: stage for stage in stages}
        for stage in template.stages:
            existing = self.current.get(stage.key)
            self.fields[starts_field(stage.key)] = WibDateTimeField(
                label=_("Start (WIB)"),
                initial=existing.starts_at if existing else None,
                error_messages={"required": _("Enter the start.")},
            )
            self.fields[ends_field(stage.key)] = WibDateTimeField(
                label=_("End (WIB)"),
                initial=existing.ends_at if existing else None,
                error_messages={"required": _("Enter the end.")},
            )
        if published:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the change"),
                help_text=_(
                    "Required. It is shown in the public schedule's history and emailed "
                    "to every participant."
                ),
                max_length=REASON_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "required": _("Write the reason for the change; participants read it.")
                },
            )

    def rows(self) -> list[dict]:
        """For the template: each stage with its number, name, fields and change count."""
        rows = []
        for position, stage in enumerate(self.template.stages, start=1):
            existing = self.current.get(stage.key)
            rows.append(
                {
                    "position": position,
                    "key": stage.key,
                    "name": stage.name,
                    "after_previous_ends": stage.after_previous_ends,
                    "starts": self[starts_field(stage.key)],
                    "ends": self[ends_field(stage.key)],
                    "change_count": existing.change_count if existing else 0,
                }
            )
        return rows

    def times(self) -> dict[str, tuple[datetime, datetime]]:
        """Every stage's times as typed."""
        data = self.cleaned_data
        return {
            stage.key: (data[starts_field(stage.key)], data[ends_field(stage.key)])
            for stage in self.template.stages
        }

    def changed_times(self) -> dict[str, tuple[datetime, datetime]]:
        """The stages whose times differ, to the minute, from the present ones (the form
        shows minutes, so a stored time with seconds is not a change)."""
        changed = {}
        for key, (starts_at, ends_at) in self.times().items():
            stage = self.current.get(key)
            if stage is None:
                changed[key] = (starts_at, ends_at)
                continue
            new_starts = stage.starts_at if _minute(stage.starts_at) == starts_at else starts_at
            new_ends = stage.ends_at if _minute(stage.ends_at) == ends_at else ends_at
            if (new_starts, new_ends) != (stage.starts_at, stage.ends_at):
                changed[key] = (new_starts, new_ends)
        return changed

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            self.add_error(field if field in self.fields else None, messages)


class TenderSettingsForm(forms.Form):
    """The grace margin and a minimum length for every stage SPSE knows."""

    outage_grace_margin_minutes = forms.IntegerField(
        label=_("Margin added to an outage before a bid deadline (minutes)"),
        help_text=_("Besides the time lost. Default 120 minutes (2 hours)."),
        min_value=0,
        max_value=MAXIMUM_GRACE_MARGIN_MINUTES,
    )

    def __init__(self, *args, settings: TenderSettings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outage_grace_margin_minutes"].initial = settings.outage_grace_margin_minutes
        for key, name in STAGE_NAMES.items():
            self.fields[key] = forms.IntegerField(
                label=name,
                min_value=0,
                max_value=MAXIMUM_MINIMUM_DAYS,
                initial=settings.minimum_stage_days.get(key, 0),
            )

    def stage_fields(self) -> list:
        return [self[key] for key in STAGE_NAMES]

    def minimum_stage_days(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in STAGE_NAMES}
