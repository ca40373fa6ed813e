"""Fields of a company's registration shared by the registration and the resubmission
forms: the company's data, and one upload field per document type."""

import re
from collections.abc import Iterable
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inaproc.core.identity import (
    nib_normalize,
    nik_normalize,
    npwp_normalize,
    phone_normalize,
    postal_code_normalize,
)
from inaproc.files.forms import CheckedFilesField
from inaproc.files.services import CheckedUpload
from inaproc.reference.regions import Province
from inaproc.reference.selectors import kbli_get_many
from inaproc.vendors.companies.documents import document_errors
from inaproc.vendors.documents import DOCUMENT_KEY_PREFIX, MULTIPLE_ALLOWED, DocumentKind
from inaproc.vendors.models import LegalForm

KBLI_MAX_SECTORS = 50
LICENCE = DocumentKind.BUSINESS_LICENCE
LICENCE_VALID_UNTIL_FIELD = "licence_valid_until"
_KBLI_SEPARATORS = re.compile(r"[\s,;]+")


class _NormalisedField(forms.CharField):
    """A text field whose value is normalised (and validated) by `normalize`."""

    def __init__(self, *, normalize, **kwargs) -> None:
        self.normalize = normalize
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.normalize(value) if value else value


class KbliCodesField(forms.CharField):
    """KBLI 2020 kelompok codes, typed or picked, separated by commas or spaces."""

    widget = forms.TextInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 6 * KBLI_MAX_SECTORS + 200)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        codes = list(dict.fromkeys(code for code in _KBLI_SEPARATORS.split(value or "") if code))
        if not codes:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(codes) > KBLI_MAX_SECTORS:
            raise ValidationError(
                _("Choose at most %(max)d business sectors."),
                code="too_many",
                params={"max": KBLI_MAX_SECTORS},
            )
        unknown = [code for code in codes if code not in kbli_get_many(codes=codes)]
        if unknown:
            raise ValidationError(
                ngettext(
                    "%(codes)s is not a 5-digit KBLI 2020 code. Search the list for it.",
                    "%(codes)s are not 5-digit KBLI 2020 codes. Search the list for them.",
                    len(unknown),
                ),
                code="unknown",
                params={"codes": ", ".join(unknown[:10])},
            )
        return sorted(codes)


class CompanyDataForm(forms.Form):
    """The company's data. Identity numbers come out normalised (NPWP 16 digits, phone
    E.164), so `cleaned_data` feeds `CompanyData.from_mapping`."""

    name = forms.CharField(label=_("Company name"), max_length=200)
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    npwp = _NormalisedField(
        label=_("NPWP"),
        normalize=npwp_normalize,
        help_text=_(
            "15 digits (01.234.567.4-101.000) or 16 digits; with or without dots and dashes."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nib = _NormalisedField(
        label=_("NIB"),
        normalize=nib_normalize,
        help_text=_("The 13-digit business identification number from OSS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("Choose a province")), *Province.choices]
    )
    city = forms.CharField(label=_("City or regency"), max_length=100)
    street = forms.CharField(
        label=_("Street address"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = _NormalisedField(
        label=_("Postal code"),
        normalize=postal_code_normalize,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    phone = _NormalisedField(
        label=_("Phone"),
        normalize=phone_normalize,
        help_text=_("e.g. 0812-3456-7890 or (021) 1234-5678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The confirmation link and every decision on your registration are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    sectors = KbliCodesField(
        label=_("Business sectors (KBLI 2020 codes)"),
        help_text=_("One or more 5-digit codes separated by commas, e.g. 41011, 43211."),
    )
    representative_name = forms.CharField(label=_("Representative's name"), max_length=200)
    representative_nik = _NormalisedField(
        label=_("Representative's NIK"),
        normalize=nik_normalize,
        help_text=_("The 16 digits on the representative's ID card (KTP)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative_position = forms.CharField(
        label=_("Representative's position"),
        max_length=100,
        help_text=_("e.g. Director (Direktur Utama)."),
    )


class DocumentFileField(CheckedFilesField):
    """Upload(s) of one vendor document type; several files only for the kinds that
    allow it (licences, deeds)."""

    def __init__(self, *, kind: str, **kwargs) -> None:
        kwargs.setdefault("label", DocumentKind(kind).label)
        super().__init__(kind=kind, multiple=kind in MULTIPLE_ALLOWED, **kwargs)


def document_field_name(kind: str) -> str:
    return f"document_{kind}"


def input_name(key: str) -> str:
    """The form input a service error or verifier's note is about: `document:<kind>` is
    the upload field of that type; anything else is a field's own name."""
    if key.startswith(DOCUMENT_KEY_PREFIX):
        return document_field_name(key.removeprefix(DOCUMENT_KEY_PREFIX))
    return key


class DocumentsForm(forms.Form):
    """One upload field per document type. `checked_uploads()` lists what passed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, _label in DocumentKind.choices:
            self.fields[document_field_name(kind)] = DocumentFileField(kind=kind)

    def checked_uploads(self) -> list[CheckedUpload]:
        return [
            item
            for kind, _label in DocumentKind.choices
            for item in self.cleaned_data.get(document_field_name(kind)) or []
        ]

    def upload_field(self, kind: str) -> str:
        return document_field_name(kind)

    def valid_uploads(self) -> list[CheckedUpload]:
        """Uploads of the fields without errors, even when the form as a whole failed:
        what to hold while the applicant corrects the rest."""
        if not hasattr(self, "cleaned_data"):
            return []
        return self.checked_uploads()


class LicenceValidUntilMixin(forms.Form):
    """The end date of the licence files a form adds (optional: many licences have none),
    for the registration, resubmission and change-request forms. The date applies to
    every licence file of the submit: chosen now, or held from a failed submit
    (`held_kinds`). Mixed in before a DocumentsForm."""

    licence_valid_until = forms.DateField(
        label=_("New licence valid until"),
        required=False,
        help_text=_(
            "Optional. The end date printed on the new licence, if it has one; we remind "
            "you 30 days before. It applies to each licence file added here."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, e.g. 2027-12-31.")},
    )

    def __init__(self, *args, held_kinds: Iterable[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held_kinds = set(held_kinds)

    def clean_licence_valid_until(self) -> date | None:
        value = self.cleaned_data.get(LICENCE_VALID_UNTIL_FIELD)
        if value is not None and value < timezone.localdate():
            raise ValidationError(
                _("This date has passed: upload a licence that is still valid."), code="past"
            )
        return value

    def clean(self):
        cleaned = super().clean()
        licence_field = document_field_name(LICENCE)
        has_licence = bool(cleaned.get(licence_field)) or LICENCE in self.held_kinds
        # A licence file that failed its checks has its own message; no second one here.
        failed = licence_field in self.errors
        if cleaned.get(LICENCE_VALID_UNTIL_FIELD) and not (has_licence or failed):
            self.add_error(
                LICENCE_VALID_UNTIL_FIELD,
                ValidationError(
                    _("Choose the new licence file this date belongs to, or clear the date."),
                    code="no_licence",
                ),
            )
        return cleaned

    def valid_until(self) -> dict[str, date | None]:
        """End dates by document type, for the services' `valid_until`."""
        return {LICENCE: self.cleaned_data.get(LICENCE_VALID_UNTIL_FIELD)}


def document_errors_add(form: forms.Form, *, legal_form: str | None, kinds: list[str]) -> None:
    """Add the errors the services give a set of document files (one kind per file:
    required types missing, several files of a type that takes one) to `form`'s upload
    fields that have no error yet, so that they show in the same pass as the errors of
    the other fields. Without a valid `legal_form`, only what every legal form requires."""
    per_legal_form = [
        document_errors(legal_form=value, kinds=kinds)
        for value in ([legal_form] if legal_form else LegalForm.values)
    ]
    for key, message in per_legal_form[0].items():
        name = input_name(key)
        everywhere = all(key in errors for errors in per_legal_form)
        if everywhere and name in form.fields and name not in form.errors:
            form.add_error(name, ValidationError(message, code="documents"))


def service_errors_place(
    error: ValidationError, form: forms.Form, documents_form: forms.Form
) -> None:
    """Put a service's errors (keyed by field or `document:<kind>`) next to the fields of
    a data form and its documents form; the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, problems in error.message_dict.items():
        name = input_name(key)
        if name in documents_form.fields:
            documents_form.add_error(name, problems)
        else:
            form.add_error(name if name in form.fields else None, problems)
