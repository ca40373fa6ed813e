from django.urls import reverse

from inaproc.portals.middleware import PORTAL_URL_KWARG
from inaproc.portals.models import Portal


def portal_url(portal: Portal, viewname: str, **kwargs: object) -> str:
    """reverse() for a URL inside a portal: the portal's slug is filled in."""
    return reverse(viewname, kwargs={PORTAL_URL_KWARG: portal.slug, **kwargs})


def portal_absolute_url(portal: Portal, viewname: str, *, base_url: str, **kwargs: object) -> str:
    """A full URL for emails: the portal's own domain if it has one, else `base_url`."""
    path = portal_url(portal, viewname, **kwargs)
    if portal.domain:
        scheme = base_url.split("://", 1)[0] if "://" in base_url else "https"
        return f"{scheme}://{portal.domain}{path}"
    return base_url.rstrip("/") + path
