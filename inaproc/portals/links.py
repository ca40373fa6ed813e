"""The page an emailed link opens: it keeps the link's token in the session and sends the
browser on to a page without it (history, Referer). Opening the link changes nothing, since
mail scanners open links too; the page it leads to acts only on a POST."""

from collections.abc import Callable

from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from inaproc.core.tokens import link_token_keep
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url


def emailed_link_view(*, session_key: str, then: str) -> Callable[..., HttpResponse]:
    """The view of `<prefix>/<token>/`: keep the token under `session_key`, go on to the
    portal page named `then`."""

    @require_safe
    @never_cache
    @portal_required
    def view(request: PortalRequest, token: str) -> HttpResponse:
        link_token_keep(request, session_key, token)
        return HttpResponseRedirect(portal_url(request.portal, then))

    return view
