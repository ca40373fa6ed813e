from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inaproc.portals.decorators import portal_required


@require_GET
@portal_required
def portal_home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/portal_home.html")
