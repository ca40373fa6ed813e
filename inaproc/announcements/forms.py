"""Forms of the portal administrator's pages. Times are typed in WIB (the active time
zone) into the browser's date-and-time field; the rules live in the services."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.announcements.services import (
    BODY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    MAINTENANCE_MAX_NOTICE,
    MESSAGE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    announcement_errors,
    incident_errors,
    maintenance_errors,
)

# Outside these years a typo is more likely than a plan, and far dates overflow when
# converted to UTC.
YEARS = range(2000, 2101)
DEFAULT_NOTICE_HOURS = 24


class WibDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: object) -> datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.localtime(result).year not in YEARS:
            raise forms.ValidationError(
                _("Enter a date between %(first)d and %(last)d.")
                % {"first": YEARS.start, "last": YEARS.stop - 1},
                code="invalid",
            )
        return result


def _minute(value: datetime | None) -> datetime | None:
    return value.replace(second=0, microsecond=0) if value else value


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"),
        help_text=_(
            "Markdown: **bold**, *italic*, [link text](https://…), lists with - or 1., "
            "headings with #. HTML is shown as text; images become links."
        ),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    publish_at = WibDateTimeField(
        label=_("Publish at (WIB)"),
        help_text=_("It stays hidden until then."),
    )
    end_at = WibDateTimeField(
        label=_("Show until (WIB)"),
        help_text=_("Optional. Leave empty to show it until you delete it."),
        required=False,
    )
    pinned = forms.BooleanField(label=_("Pin it to the top of the list"), required=False)

    def clean_end_at(self) -> datetime | None:
        end_at = self.cleaned_data["end_at"]
        unchanged = _minute(end_at) == _minute(self.initial.get("end_at"))
        if end_at is not None and end_at <= timezone.now() and not unchanged:
            raise forms.ValidationError(
                _("That time has passed: the announcement would not be shown.")
            )
        return end_at

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors:
            for field, message in announcement_errors(cleaned).items():
                self.add_error(field, message)
        return cleaned


class MaintenanceForm(forms.Form):
    starts_at = WibDateTimeField(label=_("Start (WIB)"))
    ends_at = WibDateTimeField(
        label=_("End (WIB)"), help_text=_("At most 72 hours after the start.")
    )
    notice_hours = forms.IntegerField(
        label=_("Show the banner this many hours before the start"),
        help_text=_("From 0 to 168 hours (7 days)."),
        min_value=0,
        max_value=MAINTENANCE_MAX_NOTICE // timedelta(hours=1),
        initial=DEFAULT_NOTICE_HOURS,
    )
    message = forms.CharField(
        label=_("Message"),
        help_text=_("What users should know, e.g. what is being done and what to do meanwhile."),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        hours = cleaned.get("notice_hours")
        if starts_at is None or ends_at is None or hours is None:
            return cleaned
        cleaned["notice_from"] = starts_at - timedelta(hours=hours)
        errors = maintenance_errors(
            starts_at=starts_at,
            ends_at=ends_at,
            notice_from=cleaned["notice_from"],
            now=timezone.now(),
        )
        for field, message in errors.items():
            self.add_error("notice_hours" if field == "notice_from" else field, message)
        return cleaned


class IncidentForm(forms.Form):
    starts_at = WibDateTimeField(label=_("Began (WIB)"))
    ends_at = WibDateTimeField(label=_("Ended (WIB)"))
    description = forms.CharField(
        label=_("What happened"),
        help_text=_("Shown to the officials; e.g. what failed and who could not work."),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at is not None and ends_at is not None:
            errors = incident_errors(starts_at=starts_at, ends_at=ends_at, now=timezone.now())
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned
