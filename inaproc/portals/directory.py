"""The portals a request may be for: looked up once per request, from the shared cache
when there is one.

Every request asks which portal owns its host name, and every portal page which portal
its slug (the path's first segment) names. Both come from one cache round trip
(`portals_for_request`) and, for what the cache did not hold, from one query. Every save
or deletion of a portal invalidates all entries (`portals_changed`, called by Portal.save
and Portal.delete once the transaction commits); ENTRY_SECONDS bounds what a change made
behind the models' back (raw SQL) can leave behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from inaproc.core.cache import versioned_get_many, versioned_set_many, versions_bump
from inaproc.core.pagecache import PLATFORM_NAMESPACE
from inaproc.portals.models import RESERVED_SLUGS, Portal
from inaproc.portals.selectors import portal_get_active, portal_list_active

NAMESPACE = "portals"
ENTRY_SECONDS = 300
_NONE = "-"  # a host that belongs to no portal (cached too: most hosts do not)
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")


@dataclass(frozen=True)
class RequestPortals:
    """The portal that owns the request's host (if any) and the active portal named by
    the path's first segment (if any)."""

    domain_portal: Portal | None
    slug: str
    slug_portal: Portal | None

    def portal_for_slug(self, slug: str) -> Portal | None:
        """The active portal of the URL's slug (the first segment: no second query)."""
        return self.slug_portal if slug == self.slug else portal_get_active(slug=slug)


def _host_key(host: str) -> str:
    return f"portals:host:{host}"


def _slug_key(slug: str) -> str:
    return f"portals:slug:{slug}"


def path_slug(path: str) -> str:
    """The portal slug a path names (its first segment, if shaped like a slug and not a
    reserved platform path), else "". Whether such a portal exists is not asked."""
    segment = path.lstrip("/").split("/", 1)[0]
    return segment if _SLUG.match(segment) and segment not in RESERVED_SLUGS else ""


def portals_for_request(*, host: str, path: str) -> RequestPortals:
    host = host.lower()
    slug = path_slug(path)
    keys = [_host_key(host)] + ([_slug_key(slug)] if slug else [])
    found, versions = versioned_get_many(keys, [NAMESPACE])
    if all(key in found for key in keys):
        by_host = found[keys[0]]
        return RequestPortals(
            domain_portal=None if by_host == _NONE else by_host,
            slug=slug,
            slug_portal=found.get(_slug_key(slug)),
        )
    domain_portal, slug_portal = _query(host=host, slug=slug)
    entries = {_host_key(host): domain_portal or _NONE}
    if slug_portal is not None:  # unknown slugs are not kept: anyone can make them up
        entries[_slug_key(slug)] = slug_portal
    versioned_set_many(entries, versions, ENTRY_SECONDS)
    return RequestPortals(domain_portal=domain_portal, slug=slug, slug_portal=slug_portal)


def _query(*, host: str, slug: str) -> tuple[Portal | None, Portal | None]:
    """Both portals in one query."""
    wanted = Q(domain__iexact=host) if host else Q(pk__in=[])
    if slug:
        wanted |= Q(slug=slug)
    portals = list(Portal.objects.active().filter(wanted)[:2])
    by_host = next((p for p in portals if host and p.domain.lower() == host), None)
    by_slug = next((p for p in portals if slug and p.slug == slug), None)
    return by_host, by_slug


_CHOICES_KEY = "portals:active-choices"


def active_portal_choices() -> list[tuple[str, str]]:
    """The active portals as (slug, name), by name: the platform root's portal filter
    and "save on my portal" list, on every search. From the shared cache when there is
    one (dropped with every portal change, as the lookups above)."""
    found, versions = versioned_get_many([_CHOICES_KEY], [NAMESPACE])
    choices = found.get(_CHOICES_KEY)
    if choices is None:
        choices = list(portal_list_active().values_list("slug", "name"))
        versioned_set_many({_CHOICES_KEY: choices}, versions, ENTRY_SECONDS)
    return choices


def portals_changed() -> None:
    """A portal was created, changed or deleted: forget every cached portal, and every
    cached page (their layout shows the portal's name and contacts)."""
    versions_bump(NAMESPACE, PLATFORM_NAMESPACE)
