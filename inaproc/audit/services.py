from typing import Any

from django.db import models

from inaproc.audit.models import AuditEvent
from inaproc.core.context import AuditContext
from inaproc.core.pagecache import public_pages_changed
from inaproc.portals.models import Portal

SYSTEM_ACTOR_LABEL = "system"
# Audited changes that public pages show (tenders and their packages, announcements,
# maintenance windows and incidents, the portal's own settings and contacts): each one
# drops the portal's cached public pages once committed (core/pagecache.py). Every change
# of public content is an audited official action, so this is the one place that sees
# them all; docs/decisions/0014-public-page-cache.md.
PUBLIC_CONTENT_VERBS = (
    "tender.",
    "package.",
    "announcement.",
    "maintenance.",
    "incident.",
    "portal.",
)


def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None,
    portal: Portal | None,
    payload: dict[str, Any] | None = None,
    reason: str = "",
    context: AuditContext | None = None,
) -> AuditEvent:
    """Add one audit row. Call it inside the transaction of the change it records.

    `actor` is the acting user, or None for the system and operator commands.
    Never put secrets or document contents in `payload`. The address comes from
    `context`, which views and flows build from the request (`core.http.audit_context`).
    """
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if verb.startswith(PUBLIC_CONTENT_VERBS):
        public_pages_changed(portal)
    return AuditEvent.objects.create(
        portal=portal,
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else SYSTEM_ACTOR_LABEL,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        reason=reason,
        payload=payload or {},
        ip_address=context.ip_address if context is not None else None,
    )
