from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from inaproc.core.pagecache import public_page
from inaproc.portals.decorators import portal_required


@require_safe
@portal_required
@public_page
def portal_home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/portal_home.html")
