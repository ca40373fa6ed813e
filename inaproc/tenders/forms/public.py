"""The public tender list's GET form: search, filters and sort. An invalid value gets a
message next to its field and filters nothing; the other values still apply."""

import copy
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from inaproc.reference.regions import Province
from inaproc.tenders.models import ProcurementType, SelectionMethod
from inaproc.tenders.models.packages import MONEY_DIGITS
from inaproc.tenders.money import parse_rupiah
from inaproc.tenders.selectors.public import (
    STAGE_FINISHED,
    STAGE_OPEN,
    Sort,
    TenderFilters,
)
from inaproc.tenders.stages import STAGE_NAMES

QUERY_MAX_LENGTH = 200
# Amounts have at most 15 digits (models.packages.MONEY_DIGITS).
MONEY_LIMIT = Decimal(10) ** MONEY_DIGITS


def _stage_choices() -> list[tuple[str, str | Promise]]:
    return [
        ("", _("Any stage")),
        (STAGE_OPEN, _("Not finished")),
        *sorted(STAGE_NAMES.items(), key=lambda item: item[1]),
        (STAGE_FINISHED, _("Finished")),
    ]


@lru_cache(maxsize=256)
def _options_html(choices: tuple[tuple[str, str], ...], chosen: frozenset[str]) -> SafeString:
    """A select's options, escaped, remembered per worker: the same few lists (jenis,
    provinces, portals, years, stages, sorts; their labels in the active language) with
    one or no option chosen make nearly every search form."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option, mark_safe(" selected") if option in chosen else "", label)  # noqa: S308
            for option, label in choices
        ),
    )


def options_html(choices: Iterable[tuple[str, str]]) -> SafeString:
    """`<option>`s of `choices` (value, label), none chosen, escaped; remembered like a
    QuickSelect's (the portals of the national search's "save this search" form)."""
    return _options_html(tuple((str(value), str(label)) for value, label in choices), frozenset())


class QuickChoiceField(forms.ChoiceField):
    """A ChoiceField whose copy in each form shares the field's choices: Django copies a
    form's fields for every instance, and ChoiceField deep-copies its choices with them
    (about 200 copies of tuples and labels for the national search's options, on every
    request). Nothing changes choices in place: a form that needs others assigns them."""

    def __deepcopy__(self, memo: dict) -> "QuickChoiceField":
        # Field's copy (the widget, messages, validators), not ChoiceField's.
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.deepcopy(self.widget, memo)
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class QuickSelect(forms.Select):
    """A single select written out in Python: the same HTML as Django's template-based
    widget, without a template include per option (the list's form has about 90
    options, and it is drawn on every request of the busiest public page)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        # str() of a label is its text in the active language (a SafeString stays one).
        choices = tuple((str(option), str(label)) for option, label in self.choices)
        values = {option for option, _label in choices}
        # Only values that are options can be chosen: what else a visitor sends is no
        # part of the key (nor of the page).
        chosen = frozenset(
            text for text in (str(item) for item in self.format_value(value)) if text in values
        )
        options = _options_html(choices, chosen)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


class QuickInput(forms.TextInput):
    """A text input written out in Python, like QuickSelect: Django's input template
    includes its attribute template, two template renders per field (six fields on the
    national search's form, drawn on every search)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        shown = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(final_attrs),
        )


class QuickNumberInput(QuickInput):
    input_type = "number"


class RupiahField(forms.CharField):
    """An amount typed as people write it: `1500000`, `1.500.000`, `Rp 1.500.000,00`."""

    default_error_messages = {
        "invalid": _("Enter an amount in whole rupiah, for example 1.500.000."),
    }

    def to_python(self, value: str) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        amount = parse_rupiah(text)
        if amount is None or amount >= MONEY_LIMIT:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class TenderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        help_text=_("Words of the code, the package name or the institution."),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=QuickInput(attrs={"type": "search"}),
    )
    jenis = QuickChoiceField(
        widget=QuickSelect,
        label=_("Type of procurement"),
        required=False,
        choices=[("", _("All types")), *ProcurementType.choices],
    )
    metode = QuickChoiceField(
        widget=QuickSelect,
        label=_("Selection method"),
        required=False,
        choices=[("", _("All methods")), *SelectionMethod.choices],
    )
    tahun = forms.IntegerField(
        label=_("Budget year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=QuickNumberInput,
    )
    tahap = QuickChoiceField(
        label=_("Stage now"), required=False, choices=_stage_choices, widget=QuickSelect
    )
    instansi = forms.CharField(
        label=_("Institution (K/L/PD)"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=QuickInput,
    )
    hps_min = RupiahField(
        label=_("HPS from (Rp)"), required=False, widget=QuickInput(attrs={"maxlength": 30})
    )
    hps_max = RupiahField(
        label=_("HPS up to (Rp)"), required=False, widget=QuickInput(attrs={"maxlength": 30})
    )
    kbli = forms.CharField(
        label=_("KBLI code"),
        required=False,
        max_length=5,
        widget=QuickInput,
        validators=[
            RegexValidator(r"^\d{5}$", _("Enter a KBLI code of five digits, for example 41011."))
        ],
    )
    lokasi = QuickChoiceField(
        widget=QuickSelect,
        label=_("Work location (province)"),
        required=False,
        choices=[("", _("All provinces")), *Province.choices],
    )
    urut = QuickChoiceField(
        widget=QuickSelect,
        label=_("Sort by"),
        required=False,
        choices=[
            (Sort.NEWEST, _("Newest first")),
            (Sort.DEADLINE, _("End of the current stage, soonest first")),
            (Sort.HPS_DESC, _("HPS, highest first")),
            (Sort.HPS_ASC, _("HPS, lowest first")),
            (Sort.NAME, _("Package name")),
        ],
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("hps_min"), data.get("hps_max")
        if low is not None and high is not None and low > high:
            self.add_error("hps_max", _("The upper amount is below the lower amount."))
        return data

    def filters(self) -> TenderFilters:
        """The valid values as filters; an invalid one is left out (its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return TenderFilters(
            q=data.get("q") or "",
            procurement_type=data.get("jenis") or "",
            selection_method=data.get("metode") or "",
            budget_year=data.get("tahun"),
            stage=data.get("tahap") or "",
            institution=data.get("instansi") or "",
            hps_min=data.get("hps_min"),
            hps_max=data.get("hps_max"),
            kbli=data.get("kbli") or "",
            province=data.get("lokasi") or "",
            sort=data.get("urut") or Sort.NEWEST,
        )

    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(value not in (None, "") for name, value in data.items() if name != "urut")
