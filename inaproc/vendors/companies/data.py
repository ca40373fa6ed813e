"""A company's data as a form cleaned it, and the messages about it that several
services give."""

from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext as _

from inaproc.vendors.models import Company


@dataclass(frozen=True)
class CompanyData:
    """A company's data as the registration form cleaned it (identity numbers normalised)."""

    name: str
    legal_form: str
    npwp: str
    nib: str
    province: str
    city: str
    street: str
    postal_code: str
    phone: str
    email: str
    representative_name: str
    representative_nik: str
    representative_position: str
    sectors: tuple[str, ...]

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> "CompanyData":
        values = {f.name: data[f.name] for f in fields(cls)}
        values["sectors"] = tuple(values["sectors"])
        return cls(**values)

    @classmethod
    def from_company(cls, company: Company) -> "CompanyData":
        values = {f.name: getattr(company, f.name) for f in fields(cls) if f.name != "sectors"}
        sectors = tuple(company.sectors.order_by("code").values_list("code", flat=True))
        return cls(**values, sectors=sectors)

    def model_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sectors"}


# Fields a verifier may ask to change, and that a resubmission may change. The username,
# password and email stay as registered.
CORRECTABLE_FIELDS = tuple(f.name for f in fields(CompanyData) if f.name not in {"email"})


def npwp_taken_message() -> str:
    return _(
        "A company with this NPWP is already registered on this portal. Sign in with its "
        "username, or reset the password if it is forgotten."
    )
