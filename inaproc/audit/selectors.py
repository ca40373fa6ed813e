from django.db.models import Q

from inaproc.audit.models import AuditEvent, AuditEventQuerySet
from inaproc.portals.models import Portal


def audit_event_list(*, portal: Portal, query: str = "") -> AuditEventQuerySet:
    """The portal's audit trail, newest first, optionally filtered by a search term."""
    events = AuditEvent.objects.for_portal(portal).select_related("actor")
    query = query.strip()
    if query:
        events = events.filter(
            Q(verb__icontains=query)
            | Q(actor_label__icontains=query)
            | Q(target_label__icontains=query)
        )
    return events
