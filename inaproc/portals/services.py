from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inaproc.portals.models import RESERVED_SLUGS, Portal


def portal_create(
    *,
    slug: str,
    name: str,
    institution: str,
    domain: str = "",
    helpdesk_phone: str = "",
    helpdesk_email: str = "",
    helpdesk_hours: str = "",
    helpdesk_address: str = "",
) -> Portal:
    """Create a portal after validating every field (raises ValidationError)."""
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This slug is reserved by the platform.")})
    portal = Portal(
        slug=slug,
        name=name,
        institution=institution,
        domain=domain.lower().strip(),
        helpdesk_phone=helpdesk_phone,
        helpdesk_email=helpdesk_email,
        helpdesk_hours=helpdesk_hours,
        helpdesk_address=helpdesk_address,
    )
    portal.full_clean()
    with transaction.atomic():
        portal.save()
    return portal


PORTAL_CONTACT_FIELDS = ("helpdesk_phone", "helpdesk_email", "helpdesk_hours", "helpdesk_address")


def portal_contacts_update(*, portal: Portal, actor, values: dict, request=None) -> list[str]:
    """Set the helpdesk contacts the portal shows on every page and on its contact page;
    returns the names of the fields that changed (audited with old and new values)."""
    from inaproc.audit.services import audit_record

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
            request=request,
        )
    return list(changed)
