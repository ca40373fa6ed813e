"""`{% vendor_dashboard as panel %}`: what the dashboard's vendor and verifier panels show.

The dashboard belongs to accounts, which must not import vendors; its template loads this
library instead, so the panels get their data without accounts knowing about companies."""

from typing import Any

from django import template

from inaproc.accounts.models import Role
from inaproc.vendors.selectors import company_for_user, pending_registration_count
from inaproc.vendors.templatetags.vendors import npwp

register = template.Library()


@register.simple_tag(takes_context=True)
def vendor_dashboard(context: template.Context) -> dict[str, Any]:
    """For a vendor: the company, its NPWP as people read it and its registration. For a
    verifier: how many registrations of the portal wait for a decision. Else nothing."""
    user, portal = context.get("user"), context.get("portal")
    if user is None or portal is None or not user.is_authenticated:
        return {}
    if user.has_role(Role.VENDOR):
        company = company_for_user(user=user)
        if company is None or company.portal_id != portal.pk:
            return {}
        return {
            "company": company,
            "npwp": npwp(company.npwp),
            "registration": getattr(company, "registration", None),
        }
    if user.has_role(Role.VERIFIER):
        return {"pending_count": pending_registration_count(portal=portal)}
    return {}
