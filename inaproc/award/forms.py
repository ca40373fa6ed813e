"""The PPK's two forms: the award letter's number and date; the contract's number,
date, value (rupiah typed with or without thousand dots), signatories and duration."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.award.models import NUMBER_MAX_LENGTH
from inaproc.award.selectors import above_ceiling
from inaproc.award.services import MAX_DURATION_DAYS, ceiling_message
from inaproc.award.validators import clean_number
from inaproc.tenders.forms.packages import RupiahField
from inaproc.tenders.models import Package

DATE_FORMAT = "%Y-%m-%d"


def _date_field(label, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[DATE_FORMAT, "%d/%m/%Y", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


class NumberField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", NUMBER_MAX_LENGTH + 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_number(super().clean(value) or "")


class AwardLetterForm(forms.Form):
    number = NumberField(
        label=_("Letter number"), help_text=_("As on the letter, e.g. 027/SPPBJ/DPU/XII/2026.")
    )
    letter_date = _date_field(_("Letter date"))


class ContractForm(forms.Form):
    number = NumberField(label=_("Contract number"))
    signed_on = _date_field(_("Contract date (signed on)"))
    value = RupiahField(
        label=_("Contract value, in rupiah"),
        help_text=_("Whole rupiah, with or without thousand dots, e.g. 1.500.000.000."),
    )
    justification = forms.CharField(
        label=_("Justification (only for a value above the HPS or the pagu)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ppk_name = forms.CharField(label=_("PPK's name"), max_length=200)
    ppk_position = forms.CharField(label=_("PPK's position"), max_length=200)
    vendor_signatory_name = forms.CharField(label=_("Vendor signatory's name"), max_length=200)
    vendor_signatory_position = forms.CharField(
        label=_("Vendor signatory's position"), max_length=200
    )
    starts_on = _date_field(_("Start date"))
    ends_on = _date_field(
        _("End date"), required=False, help_text=_("The end date or the duration in days.")
    )
    duration_days = forms.IntegerField(
        label=_("Duration (calendar days)"),
        required=False,
        min_value=1,
        max_value=MAX_DURATION_DAYS,
    )

    def __init__(self, *args, package: Package, **kwargs) -> None:
        self.package = package
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean() or {}
        starts, ends, days = data.get("starts_on"), data.get("ends_on"), data.get("duration_days")
        if ends is None and days is None and "ends_on" not in self.errors:
            self.add_error("ends_on", _("Give the end date or the duration in days."))
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        value = data.get("value")
        if value is not None:
            exceeded = above_ceiling(self.package, value)
            if exceeded and not (data.get("justification") or "").strip():
                self.add_error("justification", ValidationError(ceiling_message(exceeded)))
        return data
