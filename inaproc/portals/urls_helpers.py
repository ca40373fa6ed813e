from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
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


# Every absolute link made outside the answer to a request (emails, the OCDS publisher's
# address, the demo's printout) is built here, from settings.SITE_URL, never from a
# request: emails are rendered by the task worker, which has none, and a request's Host
# header is the visitor's to choose (a password reset link built from it could point at
# another site).


def site_absolute_url(path: str = "/") -> str:
    """`path` (from "/") on the platform's public address, SITE_URL (scheme, host, port)."""
    return settings.SITE_URL.rstrip("/") + path


def portal_base_url(portal: Portal) -> str:
    """Scheme, host and port of a portal's pages, without a trailing slash: SITE_URL, or
    the portal's own domain served by the same servers, so on SITE_URL's scheme and port
    (`http://lpse.test:8000` in development, `https://lpse.example.go.id` in production)."""
    if not portal.domain:
        return site_absolute_url("")
    site = urlsplit(settings.SITE_URL)
    host = portal.domain if site.port is None else f"{portal.domain}:{site.port}"
    return f"{site.scheme or 'https'}://{host}"


def portal_absolute_url(portal: Portal, viewname: str, **kwargs: object) -> str:
    """A full URL of a page of `portal` (reverse() arguments in `kwargs`), for emails."""
    return portal_base_url(portal) + portal_url(portal, viewname, **kwargs)
