"""`{% vendor_dashboard as panel %}`: what the dashboard's vendor and verifier panels show;
`{% company_changes_panel as changes %}`: the company's change request and expiring
documents (vendors/_dashboard_changes.html).

The dashboard belongs to accounts, which must not import vendors; its template loads this
library instead, so the panels get their data without accounts knowing about companies."""

from typing import Any

from django import template

from inaproc.accounts.models import Role, User
from inaproc.vendors.companies.selectors.changes import (
    EXPIRY_WARNING_DAYS,
    documents_expiring,
    pending_change_count,
    pending_change_request,
)
from inaproc.vendors.companies.selectors.company import company_membership
from inaproc.vendors.models import CompanyMember, CompanyRole, RegistrationStatus
from inaproc.vendors.registrations.selectors import pending_registration_count
from inaproc.vendors.templatetags.vendors import npwp

register = template.Library()

_MEMBERSHIP = "_company_membership"


def dashboard_membership(context: template.Context, user: User) -> CompanyMember | None:
    """`user`'s membership, its company and registration: read once for all the
    dashboard's panels that show them (this library's and `company_members`), kept on
    this rendering's context only, so no later request or view sees it."""
    kept = getattr(context, _MEMBERSHIP, None)
    if kept is None or kept[0] != user.pk:
        kept = (user.pk, company_membership(user=user))
        setattr(context, _MEMBERSHIP, kept)
    return kept[1]


@register.simple_tag(takes_context=True)
def vendor_dashboard(context: template.Context) -> dict[str, Any]:
    """For a vendor: the company, its NPWP as people read it and its registration. For a
    verifier: how many registrations and changes of company data of the portal wait for a
    decision (`pending_count`, both together). Else nothing."""
    user, portal = context.get("user"), context.get("portal")
    if user is None or portal is None or not user.is_authenticated:
        return {}
    if user.has_role(Role.VENDOR):
        membership = dashboard_membership(context, user)
        company = membership.company if membership else None
        if company is None or company.portal_id != portal.pk:
            return {}
        return {
            "company": company,
            "npwp": npwp(company.npwp),
            "registration": getattr(company, "registration", None),
        }
    if user.has_role(Role.VERIFIER):
        registrations = pending_registration_count(portal=portal)
        changes = pending_change_count(portal=portal)
        return {
            "pending_count": registrations + changes,
            "pending_registrations": registrations,
            "pending_changes": changes,
        }
    return {}


@register.simple_tag(takes_context=True)
def company_changes_panel(context: template.Context) -> dict[str, Any]:
    """For a user of an approved company of this portal: the change request waiting for
    the verifiers, and the documents that end within 30 days or have ended. Else nothing.
    Used by vendors/_dashboard_changes.html."""
    user, portal = context.get("user"), context.get("portal")
    if user is None or portal is None or not user.is_authenticated:
        return {}
    if not user.has_role(Role.VENDOR):
        return {}
    membership = dashboard_membership(context, user)
    if membership is None or membership.suspended_at is not None:
        return {}
    company = membership.company
    registration = getattr(company, "registration", None)
    if company.portal_id != portal.pk or registration is None:
        return {}
    if registration.status != RegistrationStatus.APPROVED:
        return {}
    return {
        "company": company,
        "is_admin": membership.role == CompanyRole.ADMIN,
        "pending": pending_change_request(company=company),
        "expiring": documents_expiring(company),
        "within_days": EXPIRY_WARNING_DAYS,
    }
