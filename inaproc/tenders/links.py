"""Absolute links to a tender's public pages, for emails."""

from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url


def public_tender_link(portal: Portal, code: int | None, *, page: str = "announcement") -> str:
    """A tender's public page (`announcement` or `schedule`), absolute."""
    return portal_absolute_url(portal, f"tenders:public_{page}", code=code)
