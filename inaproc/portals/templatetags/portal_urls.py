from collections import OrderedDict
from threading import Lock

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url

register = template.Library()


@register.simple_tag(takes_context=True)
def purl(context: template.Context, viewname: str, **kwargs: object) -> str:
    """{% purl "accounts:login" %}: a URL inside the current portal."""
    return portal_url(context["portal"], viewname, **kwargs)


class _PortalFields:
    """What a fragment may read of its portal: PORTAL_FIELDS and nothing else."""

    def __init__(self, values: tuple[str, ...]) -> None:
        self.__dict__.update(zip(PortalFragmentNode.PORTAL_FIELDS, values, strict=True))


class PortalFragmentNode(template.Node):
    """`{% portal_fragment %}…{% endportal_fragment %}`: see `portal_fragment` below."""

    # What a fragment may read of the portal: part of the key of its rendering.
    PORTAL_FIELDS = (
        "slug",
        "name",
        "institution",
        "helpdesk_phone",
        "helpdesk_email",
        "helpdesk_hours",
        "helpdesk_address",
    )
    KEPT = 256

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: OrderedDict[tuple, SafeString] = OrderedDict()
        self.lock = Lock()

    def render(self, context: template.Context) -> str:
        portal: Portal | None = context.get("portal")
        values = None if portal is None else tuple(getattr(portal, f) for f in self.PORTAL_FIELDS)
        key = (get_urlconf(), get_script_prefix(), get_language(), values)
        with self.lock:
            found = self.rendered.get(key)
        if found is not None and not settings.DEBUG:
            return found
        # Only the portal's PORTAL_FIELDS in the context: what is remembered can depend
        # on nothing else (not the user, not the request).
        fields = None if values is None else _PortalFields(values)
        found = mark_safe(self.nodelist.render(context.new({"portal": fields})))  # noqa: S308 - rendered, escaped
        with self.lock:
            self.rendered[key] = found
            while len(self.rendered) > self.KEPT:
                self.rendered.popitem(last=False)
        return found


@register.tag
def portal_fragment(parser: template.base.Parser, token: template.base.Token) -> PortalFragmentNode:
    """A part of the layout that is the same on every page of a portal in a language
    (the stylesheet and feed links, the brand, the footer, the language buttons):
    rendered once per portal's PORTAL_FIELDS, language and URL configuration, each
    part of the key, so that a changed helpdesk contact shows at once on every worker
    (no invalidation to miss). Its body sees `portal` (those fields only) and nothing of
    the page, the user or the request."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% portal_fragment %} takes no arguments.")
    nodelist = parser.parse(("endportal_fragment",))
    parser.delete_first_token()
    return PortalFragmentNode(nodelist)
