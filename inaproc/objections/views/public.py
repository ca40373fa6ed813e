"""The public objections page of a tender: after Masa Sanggah, every objection with the
objector's company (as SPSE shows it), the Pokja's answer and any appeal."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from inaproc.core.pagecache import page_expires_at, public_page
from inaproc.objections.selectors import answered_late, public_objections
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.tenders.participation_access import access_public_tender
from inaproc.tenders.selectors.participation import package_with_stages


@require_safe
@portal_required
@public_page
def public_objections_view(request: PortalRequest, code: int) -> HttpResponse:
    package = access_public_tender(portal=request.portal, code=code)
    package_with_stages(package, list(package.stages.all()))
    now = timezone.now()
    shown = public_objections(package, now=now)
    if shown.ends_at is not None and now < shown.ends_at:
        page_expires_at(request, shown.ends_at)  # the objections appear then
    rows = []
    for number, objection in enumerate(shown.objections, start=1):
        objection.package = package
        rows.append((number, objection, answered_late(objection)))
    return render(
        request,
        "objections/public.html",
        {"package": package, "shown": shown, "rows": rows, "current": "objections"},
    )
