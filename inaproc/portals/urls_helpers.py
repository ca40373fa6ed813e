from functools import lru_cache

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse

from inaproc.portals.middleware import PORTAL_URL_KWARG
from inaproc.portals.models import Portal


def portal_url(portal: Portal, viewname: str, **kwargs: object) -> str:
    """reverse() for a URL inside a portal: the portal's slug is filled in."""
    if not kwargs:  # the layout's links, on every page: remembered
        return _portal_url(get_resolver(get_urlconf()), get_script_prefix(), viewname, portal.slug)
    return reverse(viewname, kwargs={PORTAL_URL_KWARG: portal.slug, **kwargs})


@lru_cache(maxsize=4096)
def _portal_url(resolver: URLResolver, prefix: str, viewname: str, slug: str) -> str:
    """A portal's link without arguments, per URL configuration and script prefix (both
    part of the key, so a changed configuration is never answered from here). reverse()
    costs tens of microseconds, and a page's layout has about twenty such links."""
    return reverse(viewname, kwargs={PORTAL_URL_KWARG: slug})


def portal_absolute_url(portal: Portal, viewname: str, *, base_url: str, **kwargs: object) -> str:
    """A full URL for emails: the portal's own domain if it has one, else `base_url`."""
    path = portal_url(portal, viewname, **kwargs)
    if portal.domain:
        scheme = base_url.split("://", 1)[0] if "://" in base_url else "https"
        return f"{scheme}://{portal.domain}{path}"
    return base_url.rstrip("/") + path
