"""`{% helpdesk_dashboard as helpdesk_panel %}`: what the dashboard's ticket panels show.

The dashboard belongs to accounts, which must not import the helpdesk; its template loads
this library instead (as it does `vendor_dashboard`)."""

from typing import Any

from django import template

from inaproc.helpdesk.access import STAFF_ROLES
from inaproc.helpdesk.selectors.tickets import UNRESOLVED, open_ticket_count, tickets_of_requester

register = template.Library()

DASHBOARD_TICKETS = 5


@register.simple_tag(takes_context=True)
def helpdesk_dashboard(context: template.Context) -> dict[str, Any]:
    """For any signed-in user: their unresolved tickets (the first few) and how many.
    For helpdesk officers and portal administrators also: how many tickets are open."""
    user, portal = context.get("user"), context.get("portal")
    if user is None or portal is None or not user.is_authenticated:
        return {}
    mine = tickets_of_requester(portal=portal, user=user).filter(status__in=UNRESOLVED)
    shown = list(mine[:DASHBOARD_TICKETS])
    data: dict[str, Any] = {
        "my_tickets": shown,
        # Fewer than a full panel: that is all of them, no COUNT query needed.
        "my_ticket_count": len(shown) if len(shown) < DASHBOARD_TICKETS else mine.count(),
    }
    if user.has_role(*STAFF_ROLES):
        data["open_count"] = open_ticket_count(portal=portal)
    return data
