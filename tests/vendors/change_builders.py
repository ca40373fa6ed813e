"""Approved companies, their users and change requests, made through the real services."""

from datetime import date

from inaproc.accounts.models import Role
from inaproc.vendors.companies.selectors.changes import company_critical_values
from inaproc.vendors.companies.services.changes import change_request_submit
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import ChangeRequest, CompanyMember, CompanyRole, Registration
from tests.factories import make_user
from tests.vendors.builders import checked, register_approved

NEW_NAME = "PT Maju Jaya Sentosa Baru"


def approved(portal, **kwargs) -> Registration:
    """An approved registration; `.applicant` (refreshed: active) is the company's admin."""
    registration = register_approved(portal, **kwargs)
    registration.applicant.refresh_from_db()
    return registration


def member(company, role: str = CompanyRole.VIEWER, **fields):
    """Another user of `company` with a company role. Made directly: invitations are
    tested with their own service."""
    user = make_user(company.portal, role=Role.VENDOR, **fields)
    CompanyMember.objects.create(company=company, user=user, role=role)
    return user


def submit_change(
    registration: Registration,
    *,
    uploads=(),
    valid_until: date | None = None,
    remove=(),
    message: str = "",
    **changes,
) -> ChangeRequest:
    """A change request of the company's admin: the company's critical data with
    `changes` applied, and the given uploads (a licence valid until `valid_until`)."""
    company = registration.company
    data = {**company_critical_values(company), **changes}
    return change_request_submit(
        company_id=company.pk,
        portal=company.portal,
        user=registration.applicant,
        data=data,
        uploads=list(uploads),
        valid_until={DocumentKind.BUSINESS_LICENCE: valid_until},
        remove_document_ids={d.pk for d in remove},
        message=message,
    )


def licence(name: str = "izin-baru.pdf"):
    return checked(DocumentKind.BUSINESS_LICENCE, name)
