"""Emails of publication, participation and clarification: absolute links into the
portal, and one email per participant address (in the portal's language)."""

from typing import Any

from django.conf import settings
from django.utils import translation

from inaproc.notifications.services import email_send
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.participation import participant_addresses


def participant_page_link(package: Package) -> str:
    return portal_absolute_url(package.portal, "tenders:participant_tender", code=package.code)


def email_to(addresses: list[str], *, package: Package, template: str, context: dict) -> int:
    """The same email to each address, in the portal's language (the recipients chose
    none here); sent after the transaction commits."""
    full: dict[str, Any] = {"package": package, **context}
    with translation.override(settings.LANGUAGE_CODE):
        for address in addresses:
            email_send(to=address, template=template, context=full, portal=package.portal)
    return len(addresses)


def email_participants(*, package: Package, template: str, context: dict) -> int:
    return email_to(
        participant_addresses(package),
        package=package,
        template=template,
        context={"tender_url": participant_page_link(package), **context},
    )
