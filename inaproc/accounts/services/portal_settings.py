"""The portal administrator's settings of the portal itself: the helpdesk contacts (the
second-factor policy is in factor_policy)."""

from django.db import transaction

from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal

PORTAL_CONTACT_FIELDS = ("helpdesk_phone", "helpdesk_email", "helpdesk_hours", "helpdesk_address")


def portal_contacts_update(
    *, portal: Portal, actor, values: dict, context: AuditContext | None = None
) -> list[str]:
    """Set the helpdesk contacts the portal shows on every page and on its contact page;
    returns the names of the fields that changed (audited with old and new values)."""
    changed = {
        name: (getattr(portal, name), values[name].strip())
        for name in PORTAL_CONTACT_FIELDS
        if name in values and getattr(portal, name) != values[name].strip()
    }
    if not changed:
        return []
    for name, (_old, new) in changed.items():
        setattr(portal, name, new)
    portal.full_clean()
    with transaction.atomic():
        portal.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            verb="portal.contacts_changed",
            target=portal,
            portal=portal,
            payload={name: {"old": old, "new": new} for name, (old, new) in changed.items()},
            context=context,
        )
    return list(changed)
