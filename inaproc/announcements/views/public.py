"""Public pages: the announcement list (with scheduled maintenance) and one announcement."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from inaproc.announcements.access import access_public_announcement
from inaproc.announcements.middleware import maintenance_state
from inaproc.announcements.selectors import announcement_list_public
from inaproc.core.pagecache import public_page
from inaproc.portals.decorators import portal_required

PAGE_SIZE = 10


@require_safe
@portal_required
@public_page
def announcement_list_view(request: HttpRequest) -> HttpResponse:
    announcements = announcement_list_public(portal=request.portal)
    page = Paginator(announcements, PAGE_SIZE).get_page(request.GET.get("page"))
    # Maintenance is news only once: above the first page.
    windows = maintenance_state(request).pending if page.number == 1 else []
    return render(request, "announcements/list.html", {"page": page, "windows": windows})


@require_safe
@portal_required
@public_page
def announcement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = access_public_announcement(
        portal=request.portal, user=request.user, announcement_id=pk
    )
    return render(request, "announcements/detail.html", {"announcement": announcement})
