from django import template

from inaproc.portals.urls_helpers import portal_url

register = template.Library()


@register.simple_tag(takes_context=True)
def purl(context: template.Context, viewname: str, **kwargs: object) -> str:
    """{% purl "accounts:login" %}: a URL inside the current portal."""
    return portal_url(context["portal"], viewname, **kwargs)
