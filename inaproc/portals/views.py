from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inaproc.core.pagecache import public_page
from inaproc.portals.decorators import portal_required
from inaproc.portals.selectors import portal_list_active


@require_GET
@public_page
def platform_home_view(request: HttpRequest) -> HttpResponse:
    if request.domain_portal is not None:
        return HttpResponseRedirect(request.domain_portal.get_absolute_url())
    return render(request, "portals/platform_home.html", {"portals": portal_list_active()})


@require_GET
@portal_required
@public_page
def portal_home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/portal_home.html")
