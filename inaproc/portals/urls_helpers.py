from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import (
    NoReverseMatch,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)

from inaproc.portals.middleware import PORTAL_URL_KWARG
from inaproc.portals.models import Portal


def portal_url(portal: Portal, viewname: str, **kwargs: object) -> str:
    """reverse() for a URL inside a portal: the portal's slug is filled in."""
    if not kwargs:  # the layout's links, on every page: remembered
        return _portal_url(get_resolver(get_urlconf()), get_script_prefix(), viewname, portal.slug)
    if all(type(value) is int and value >= 0 for value in kwargs.values()):
        # A list page's link per row (`pk=row.pk`): the link's text around the numbers
        # is remembered, the numbers written in.
        pieces = _portal_url_pieces(
            get_resolver(get_urlconf()),
            get_script_prefix(),
            viewname,
            portal.slug,
            tuple(sorted(kwargs)),
        )
        if pieces is not None:
            literals, names = pieces
            parts = [literals[0]]
            for name, literal in zip(names, literals[1:], strict=True):
                parts += (str(kwargs[name]), literal)
            return "".join(parts)
    return reverse(viewname, kwargs={PORTAL_URL_KWARG: portal.slug, **kwargs})


@lru_cache(maxsize=4096)
def _portal_url(resolver: URLResolver, prefix: str, viewname: str, slug: str) -> str:
    """A portal's link without arguments, per URL configuration and script prefix (both
    part of the key, so a changed configuration is never answered from here). reverse()
    costs tens of microseconds, and a page's layout has about twenty such links."""
    return reverse(viewname, kwargs={PORTAL_URL_KWARG: slug})


# Stand-ins for the numbers while the pieces are made: longer than any id, so that
# each is found once in the link, where its number goes.
_STAND_IN = 9_176_000_000_000_001


@lru_cache(maxsize=1024)
def _portal_url_pieces(
    resolver: URLResolver, prefix: str, viewname: str, slug: str, names: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A portal's link with non-negative integer arguments `names`, as the text between
    them and their order in it: reverse() once with stand-in numbers, each of which
    must come out, digit for digit, exactly once (an int converter, `\\d+`). None when
    they do not (a converter that writes numbers otherwise, a pattern that refuses
    them): the caller then uses reverse() itself."""
    stand_ins = {name: _STAND_IN + 2 * index for index, name in enumerate(names)}
    try:
        url = reverse(viewname, kwargs={PORTAL_URL_KWARG: slug, **stand_ins})
    except NoReverseMatch:
        return None
    found = []
    for name, number in stand_ins.items():
        text = str(number)
        if url.count(text) != 1:
            return None
        found.append((url.index(text), name, text))
    found.sort()
    literals, names_in_order, start = [], [], 0
    for position, name, text in found:
        literals.append(url[start:position])
        names_in_order.append(name)
        start = position + len(text)
    literals.append(url[start:])
    return tuple(literals), tuple(names_in_order)


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
