from inaproc.portals.models import Portal, PortalQuerySet


def portal_list_active() -> PortalQuerySet:
    return Portal.objects.active().order_by("name")


def portal_get_active(*, slug: str) -> Portal | None:
    return Portal.objects.active().filter(slug=slug).first()


def portal_for_domain(*, host: str) -> Portal | None:
    """The active portal that owns this host name, if one does."""
    if not host:
        return None
    return Portal.objects.active().filter(domain__iexact=host).first()
