"""`{% company_members_panel as panel %}`: what the dashboard's "Company users" panel
(vendors/_dashboard_members.html) shows to the signed-in user of a company."""

from typing import Any

from django import template

from inaproc.vendors.companies.access import company_member_of
from inaproc.vendors.companies.selectors.members import members_summary
from inaproc.vendors.templatetags.vendor_dashboard import dashboard_membership

register = template.Library()


@register.simple_tag(takes_context=True)
def company_members_panel(context: template.Context) -> dict[str, Any]:
    """For an active user of an approved company of this portal: their role and, for
    administrators, the company's users and pending invitations. Else nothing."""
    request = context.get("request")
    if request is None or getattr(request, "portal", None) is None:
        return {}
    user = request.user
    member = company_member_of(
        portal=request.portal, user=user, read=lambda: dashboard_membership(context, user)
    )
    if member is None:
        return {}
    return members_summary(member=member)
