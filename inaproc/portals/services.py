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
