"""The Pokja's forms: a participant's entries, the weights, the proposal, the proof
invitation and its outcome. Each refuses bad input with a message next to its field."""

import re
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inaproc.announcements.forms import WibDateTimeField
from inaproc.evaluation.models import Step
from inaproc.evaluation.services import StepInput
from inaproc.evaluation.services.entries import MAX_PRICE

PASS, FAIL = "pass", "fail"
RESULT_CHOICES = [
    ("", gettext_lazy("Not evaluated")),
    (PASS, gettext_lazy("Passed")),
    (FAIL, gettext_lazy("Failed")),
]
# Digits, optionally grouped by dots or spaces as Indonesians write money (1.250.000).
_MONEY = re.compile(r"^\d{1,3}([. ]\d{3})*$|^\d+$")


def parse_rupiah(text: str) -> Decimal:
    """A whole number of rupiah from what a member typed ("Rp 875.000.000" too)."""
    value = text.strip()
    value = re.sub(r"^rp\.?\s*", "", value, flags=re.IGNORECASE)
    if value.startswith("-"):
        raise forms.ValidationError(_("The corrected price cannot be below zero."))
    if not _MONEY.match(value):
        raise forms.ValidationError(
            _(
                "Write the corrected price as a whole number of rupiah, digits only "
                "(e.g. 875000000)."
            )
        )
    amount = Decimal(re.sub(r"[. ]", "", value))
    if amount > MAX_PRICE:
        raise forms.ValidationError(_("The corrected price is too large."))
    return amount


class EntryForm(forms.Form):
    """Every step of one participant's bid: the result, the reason of a fail; the
    technical score (scored methods); the corrected price and its note."""

    def __init__(self, *args, steps: tuple[str, ...], scored: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        labels = dict(Step.choices)
        for step in steps:
            self.fields[f"{step}_result"] = forms.ChoiceField(
                label=labels[step], choices=RESULT_CHOICES, required=False
            )
            self.fields[f"{step}_reason"] = forms.CharField(
                label=_("Reason (%(step)s)") % {"step": labels[step]},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required when the bid fails this step."),
            )
            if step == Step.TEKNIS and scored:
                self.fields["teknis_score"] = forms.DecimalField(
                    label=_("Technical score (0–100)"),
                    required=False,
                    min_value=0,
                    max_value=100,
                    decimal_places=2,
                )
        self.fields["corrected_price"] = forms.CharField(
            label=_("Corrected price (Rp)"),
            required=False,
            max_length=40,
            help_text=_("After the arithmetic correction; leave empty when the offer stands."),
        )
        self.fields["correction_note"] = forms.CharField(
            label=_("Note of the arithmetic correction"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean_corrected_price(self) -> Decimal | None:
        text = self.cleaned_data.get("corrected_price", "")
        return parse_rupiah(text) if text.strip() else None

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        for step in self.steps:
            if data.get(f"{step}_result") == FAIL and not data.get(f"{step}_reason", "").strip():
                self.add_error(f"{step}_reason", _("Write the reason why the bid fails this step."))
        return data

    def inputs(self) -> list[StepInput]:
        data = self.cleaned_data
        out = []
        for step in self.steps:
            result = data.get(f"{step}_result")
            if not result:
                continue
            out.append(
                StepInput(
                    step=step,
                    passed=result == PASS,
                    reason=data.get(f"{step}_reason", ""),
                    score=data.get("teknis_score") if step == Step.TEKNIS else None,
                    corrected_price=data.get("corrected_price") if step == Step.HARGA else None,
                    correction_note=data.get("correction_note", "") if step == Step.HARGA else "",
                )
            )
        return out

    @classmethod
    def initial_of(cls, candidate) -> dict:
        initial: dict = {}
        for step, entry in candidate.entries.items():
            initial[f"{step}_result"] = PASS if entry.passed else FAIL
            initial[f"{step}_reason"] = entry.reason
            if step == Step.TEKNIS and entry.score is not None:
                initial["teknis_score"] = entry.score
            if step == Step.HARGA:
                if entry.corrected_price is not None:
                    initial["corrected_price"] = str(entry.corrected_price)
                initial["correction_note"] = entry.correction_note
        return initial


class WeightsForm(forms.Form):
    technical = forms.IntegerField(
        label=gettext_lazy("Technical weight (%)"), min_value=0, max_value=100
    )
    price = forms.IntegerField(label=gettext_lazy("Price weight (%)"), min_value=0, max_value=100)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        technical, price = data.get("technical"), data.get("price")
        if technical is not None and price is not None and technical + price != 100:
            raise forms.ValidationError(_("The technical and price weights must add up to 100 %."))
        return data


class ProposalForm(forms.Form):
    """The winner and up to two reserves, among the ranked bids."""

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        optional = [("", _("None")), *choices]
        self.fields["winner"] = forms.TypedChoiceField(
            label=_("Winner"), choices=choices, coerce=int
        )
        self.fields["reserve1"] = forms.TypedChoiceField(
            label=_("First reserve"), choices=optional, coerce=int, required=False, empty_value=None
        )
        self.fields["reserve2"] = forms.TypedChoiceField(
            label=_("Second reserve"),
            choices=optional,
            coerce=int,
            required=False,
            empty_value=None,
        )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        chosen = [data.get(name) for name in ("winner", "reserve1", "reserve2")]
        chosen = [pk for pk in chosen if pk]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("The winner and the reserves must be different bidders."))
        if data.get("reserve2") and not data.get("reserve1"):
            raise forms.ValidationError(_("Choose the first reserve before the second."))
        return data


class InvitationForm(forms.Form):
    participation = forms.TypedChoiceField(label=gettext_lazy("Bidder"), coerce=int)
    meeting_at = WibDateTimeField(label=gettext_lazy("Date and time (WIB)"))
    place = forms.CharField(label=gettext_lazy("Place"), required=False, max_length=300)
    meeting_link = forms.URLField(
        label=gettext_lazy("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["participation"]).choices = choices

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("place", "").strip() and not data.get("meeting_link", ""):
            raise forms.ValidationError(
                _("Give the place of the meeting or an online meeting link.")
            )
        return data


class ProofOutcomeForm(forms.Form):
    participation = forms.TypedChoiceField(label=gettext_lazy("Bidder"), coerce=int)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[(PASS, gettext_lazy("Qualification proven")), (FAIL, gettext_lazy("Not proven"))],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when the qualification is not proven."),
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["participation"]).choices = choices

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("outcome") == FAIL and not data.get("reason", "").strip():
            self.add_error("reason", _("Write the reason why the qualification was not proven."))
        return data


NEGOTIATION_PREFIX = "negotiation"


class NegotiationForm(forms.Form):
    """The price negotiated with one participant of a non-tender package, and a note."""

    negotiated_price = forms.CharField(
        label=gettext_lazy("Negotiated price (Rp)"),
        max_length=30,
        help_text=gettext_lazy(
            "A whole number of rupiah, not above the corrected price nor the HPS."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Negotiation note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_negotiated_price(self) -> Decimal:
        value = re.sub(r"^rp\.?\s*", "", self.cleaned_data["negotiated_price"].strip(), flags=re.I)
        if value.startswith("-"):
            raise forms.ValidationError(_("The negotiated price cannot be below zero."))
        if not _MONEY.match(value):
            raise forms.ValidationError(
                _(
                    "Write the negotiated price as a whole number of rupiah, digits only "
                    "(e.g. 875000000)."
                )
            )
        amount = Decimal(re.sub(r"[. ]", "", value))
        if amount > MAX_PRICE:
            raise forms.ValidationError(_("The negotiated price is too large."))
        return amount
