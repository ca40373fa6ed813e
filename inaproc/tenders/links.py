"""Absolute links into a portal's tender pages, for emails."""

from django.conf import settings

from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url


def portal_link(portal: Portal, viewname: str, **kwargs: object) -> str:
    return portal_absolute_url(portal, viewname, base_url=settings.SITE_URL, **kwargs)


def public_tender_link(portal: Portal, code: int | None, *, page: str = "announcement") -> str:
    """A tender's public page (`announcement` or `schedule`), absolute."""
    return portal_link(portal, f"tenders:public_{page}", code=code)
