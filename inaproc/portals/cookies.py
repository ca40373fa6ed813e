"""Session and CSRF cookies of one portal, apart from every other portal's
(docs/decisions/0015-per-portal-cookies.md).

All portals of a host share one cookie jar (0005: portals are path prefixes). With one
session cookie for the host, signing in on portal B ended portal A's session, and with
one CSRF cookie it expired the forms open on portal A. Here each portal has its own
session and CSRF cookie:

- under `/<slug>/…` the cookies are named `<configured name>_<slug>` (e.g.
  `inaproc_session_lpse-a`, `csrftoken_lpse-a`) and carry `Path=/<slug>/`, so the browser
  sends them to that portal's pages only;
- elsewhere (the platform's pages: the national search, `/i18n/`, `/captcha/`, `/ocds/`)
  the configured names (SESSION_COOKIE_NAME, CSRF_COOKIE_NAME) and paths are used as
  they are.

Inside the application nothing changes: `PortalCookieMiddleware`, placed before
SessionMiddleware, shows the portal's cookies to the rest of the stack under the
configured names (and hides a platform cookie of those names), and renames the cookies
the stack sets or deletes on the way out. Django's session and CSRF middleware, `login()`,
`logout()`, `rotate_token()` and the page cache work as written. Every other attribute
Django gives these cookies (Secure, HttpOnly, SameSite, Max-Age, Domain) is kept.

The scope comes from the path alone (`directory.path_slug`), before the portal is looked
up: a path that names no portal gives a 404 and sets no cookie. Slugs are lowercase
letters, digits and hyphens (`slug_validator`), all valid in a cookie name.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from inaproc.portals.directory import path_slug


def scoped_cookie_names() -> tuple[str, ...]:
    """The configured names of the cookies each portal has its own of."""
    return (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)


def portal_cookie_name(name: str, slug: str) -> str:
    """The name the browser stores the cookie `name` of the portal `slug` under."""
    return f"{name}_{slug}"


def portal_cookie_path(request: HttpRequest, slug: str) -> str:
    """`/<slug>/`, after the script prefix when the application is mounted below one."""
    script = request.path[: len(request.path) - len(request.path_info)].rstrip("/")
    return f"{script}/{slug}/"


class PortalCookieMiddleware:
    """Gives every portal its own session and CSRF cookie (see the module). Must come
    before SessionMiddleware and CsrfViewMiddleware (and anything else that sets
    them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        slug = path_slug(request.path_info)
        if not slug:
            return self.get_response(request)
        names = scoped_cookie_names()
        cookies = {name: value for name, value in request.COOKIES.items() if name not in names}
        for name in names:
            value = request.COOKIES.get(portal_cookie_name(name, slug))
            if value is not None:
                cookies[name] = value
        request.COOKIES = cookies
        response = self.get_response(request)
        path = portal_cookie_path(request, slug)
        for name in names:
            morsel = response.cookies.get(name)
            if morsel is None:
                continue
            del response.cookies[name]
            scoped = portal_cookie_name(name, slug)
            renamed: Morsel[str] = Morsel()
            renamed.set(scoped, morsel.value, morsel.coded_value)
            renamed.update(morsel)
            renamed["path"] = path
            response.cookies[scoped] = renamed
        return response
