"""Forms of packages: the package's fields, its assignment and return, its documents."""

import re
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.models import User
from inaproc.files.checks import document_max_bytes
from inaproc.files.forms import CheckedFilesField
from inaproc.files.services import CheckedUpload
from inaproc.reference.regions import Province
from inaproc.tenders.models import (
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    FundingSource,
    Package,
    Pokja,
    ProcurementType,
    QualificationMethod,
    SelectionMethod,
    TenderDocumentKind,
)
from inaproc.tenders.models.packages import MONEY_DIGITS
from inaproc.tenders.money import parse_rupiah, rupiah
from inaproc.tenders.rules import package_rule_errors
from inaproc.tenders.services.packages import PACKAGE_FIELDS
from inaproc.vendors.companies.forms.company import KbliCodesField

LOCATION_ROWS = 3
_RUP_CODE = re.compile(r"^\d{1,20}$")
_NEGATIVE = re.compile(r"^\s*-")
_DIGITS = re.compile(r"\d")


class RupiahField(forms.CharField):
    """Whole rupiah typed with or without thousand dots (`1500000`, `1.500.000`,
    `Rp 1.500.000,00`); cleans to a Decimal. Letters, negatives, zero and more than 15
    digits are refused, each with its own message."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return rupiah(value).removeprefix("Rp ").removesuffix(",00")
        return value

    def clean(self, value) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        if _NEGATIVE.match(text):
            raise ValidationError(_("The amount cannot be negative."), code="negative")
        amount = parse_rupiah(text)
        if amount is None:
            raise ValidationError(
                _("Type a whole rupiah amount in digits, e.g. 1.500.000."), code="invalid"
            )
        if len(str(amount)) > MONEY_DIGITS:
            raise ValidationError(
                _("At most %(digits)d digits (up to Rp 999 triliun)."),
                code="too_large",
                params={"digits": MONEY_DIGITS},
            )
        if amount <= 0:
            raise ValidationError(_("The amount must be more than zero."), code="zero")
        return amount


class OptionalKbliCodesField(KbliCodesField):
    """The KBLI codes a package requires, as a vendor picks its sectors; may be empty."""

    def clean(self, value):
        if not (value or "").strip():
            return []
        return super().clean(value)


def _choice(label, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices], **kwargs)


class PackageForm(forms.Form):
    """Every field of a package (TENDERS.md §2); the combinations are checked by
    `tenders.rules` and reported next to the field concerned."""

    name = forms.CharField(label=_("Package name"), max_length=500)
    description = forms.CharField(
        label=_("Description of the work"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    rup_code = forms.CharField(
        label=_("RUP code"),
        max_length=20,
        help_text=_("The number of the procurement plan line (RUP), e.g. 1238867798."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rup_name = forms.CharField(label=_("RUP name"), max_length=500, required=False)
    funding_source = _choice(_("Funding source"), FundingSource.choices)
    budget_year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    institution = forms.CharField(label=_("Institution (K/L/PD)"), max_length=300)
    work_unit = forms.CharField(label=_("Work unit (satuan kerja)"), max_length=300)
    procurement_type = _choice(_("Type of procurement"), ProcurementType.choices)
    selection_method = _choice(_("Selection method"), SelectionMethod.choices)
    qualification_method = _choice(_("Qualification"), QualificationMethod.choices)
    document_method = _choice(_("Document method"), DocumentMethod.choices)
    evaluation_method = _choice(_("Evaluation method"), EvaluationMethod.choices)
    contract_type = _choice(_("Contract type"), ContractType.choices)
    business_qualification = _choice(_("Business qualification"), BusinessQualification.choices)
    pagu = RupiahField(
        label=_("Budget ceiling (pagu), in rupiah"),
        help_text=_("Whole rupiah, with or without thousand dots, e.g. 1.500.000.000."),
    )
    hps = RupiahField(
        label=_("Owner's estimate (HPS), in rupiah"),
        help_text=_("At most the pagu."),
    )
    kbli = OptionalKbliCodesField(
        label=_("Required business sectors (KBLI 2020 codes)"),
        required=False,
        help_text=_("5-digit codes separated by commas, e.g. 41011, 43211; may be empty."),
    )
    qualification_requirements = forms.CharField(
        label=_("Qualification requirements"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Licences, experience and other requirements, in words."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in range(LOCATION_ROWS):
            self.fields[f"location_{row}_province"] = _choice(
                _("Province (location %(number)d)") % {"number": row + 1},
                Province.choices,
                required=row == 0,
            )
            self.fields[f"location_{row}_city"] = forms.CharField(
                label=_("City or regency (location %(number)d)") % {"number": row + 1},
                max_length=100,
                required=row == 0,
            )

    def location_rows(self) -> list[tuple]:
        return [
            (self[f"location_{row}_province"], self[f"location_{row}_city"])
            for row in range(LOCATION_ROWS)
        ]

    def clean_rup_code(self) -> str:
        code = self.cleaned_data["rup_code"].strip()
        if not _RUP_CODE.match(code):
            raise ValidationError(_("The RUP code is a number, e.g. 1238867798."))
        return code

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        locations = []
        for row in range(LOCATION_ROWS):
            province = data.get(f"location_{row}_province")
            city = (data.get(f"location_{row}_city") or "").strip()
            if bool(province) != bool(city):
                missing = f"location_{row}_city" if province else f"location_{row}_province"
                if missing not in self.errors:
                    self.add_error(missing, _("Give both the province and the city."))
            elif province:
                locations.append((province, city))
        data["locations"] = list(dict.fromkeys(locations))
        already = set(self.errors)
        for field, messages in package_rule_errors(data).items():
            if field not in already:
                for message in messages:
                    self.add_error(field, message)
        return data

    @classmethod
    def initial_for(cls, package: Package) -> dict:
        initial = {name: getattr(package, name) for name in PACKAGE_FIELDS}
        initial["kbli"] = sorted(package.kbli.values_list("code", flat=True))
        for row, location in enumerate(package.locations.all()[:LOCATION_ROWS]):
            initial[f"location_{row}_province"] = location.province
            initial[f"location_{row}_city"] = location.city
        return initial

    @classmethod
    def initial_new(cls, portal) -> dict:
        return {"institution": portal.institution, "budget_year": timezone.localdate().year}


class AssignForm(forms.Form):
    """A Pokja (tender methods) or a Pejabat Pengadaan (non-tender methods)."""

    runner = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args, pokjas: list[Pokja], officials: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pokjas = {f"pokja-{pokja.pk}": pokja for pokja in pokjas}
        self._officials = {f"pp-{user.pk}": user for user in officials}
        runner = cast(forms.ChoiceField, self.fields["runner"])
        runner.choices = [
            ("", "—"),
            (_("Pokja"), [(key, pokja.name) for key, pokja in self._pokjas.items()]),
            (
                _("Pejabat Pengadaan"),
                [
                    (key, user.full_name or user.get_username())
                    for key, user in self._officials.items()
                ],
            ),
        ]

    def chosen(self) -> tuple[Pokja | None, User | None]:
        key = self.cleaned_data["runner"]
        return self._pokjas.get(key), self._officials.get(key)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it returned to the PPK?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PdfField(CheckedFilesField):
    """One PDF, checked by content like a registration's documents (a file renamed .pdf
    that is not one is refused). Cleans to one CheckedUpload."""

    def __init__(self, **kwargs) -> None:
        super().__init__(kind="tender_document", multiple=False, required=True, **kwargs)
        self.widget.attrs["accept"] = ".pdf,application/pdf"

    def clean(self, data, initial=None) -> CheckedUpload:
        if not data:
            raise ValidationError(_("Choose a PDF file."), code="required")
        checked = super().clean(data, initial)[0]
        if checked.checked.extension != "pdf":
            raise ValidationError(
                _("%(file)s: only PDF files are accepted."),
                code="not_pdf",
                params={"file": checked.upload.name[-80:]},
            )
        return checked


def _pdf_help() -> str:
    return _("A PDF file of at most %(megabytes)s MB.") % {
        "megabytes": f"{document_max_bytes() / (1024 * 1024):g}"
    }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"),
        choices=[
            (TenderDocumentKind.DOKUMEN_PEMILIHAN, TenderDocumentKind.DOKUMEN_PEMILIHAN.label),
            (TenderDocumentKind.DOKUMEN_KUALIFIKASI, TenderDocumentKind.DOKUMEN_KUALIFIKASI.label),
        ],
    )
    upload = PdfField(label=_("File"))
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _pdf_help()


class AddendumForm(forms.Form):
    upload = PdfField(label=_("Addendum (PDF)"))
    note = forms.CharField(
        label=_("What the addendum changes"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Emailed to every participant with a link to the tender."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _pdf_help()
