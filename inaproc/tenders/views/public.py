"""Public tender pages of a portal, without an account (TENDERS.md §5): the list with
search, filters and sort, and a tender's announcement and schedule. Read-only GET
pages; every read goes through `selectors.public`, which knows only published and
cancelled packages of this portal."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from inaproc.core.pagecache import public_page
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.tenders.forms.public import TenderFilterForm
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.invitations import by_invitation
from inaproc.tenders.selectors.participation import joining_open
from inaproc.tenders.selectors.public import (
    access_public_package,
    public_tender_list,
    tender_documents,
    tender_rows,
    tender_schedule_changes,
    tender_standing,
)

PAGE_SIZE = 20
# The list counts its matches up to this many: counting every match of a common word
# among 100,000 tenders costs more than the rest of the page (docs/performance.md).
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 matches (`is_capped` then says "more than");
    the pages past the cap are not reachable, a narrower search is."""

    object_list: QuerySet[Package]  # counted by the database, up to the cap

    @cached_property
    def count(self) -> int:
        # Without the list's order: which 1,001 rows are counted does not matter, and
        # sorting every match to pick them cost more than the count itself.
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP


@require_safe
@portal_required
@public_page
def tender_list_view(request: PortalRequest) -> HttpResponse:
    """Also meant to answer at SPSE's `/<slug>/lelang` later: its links are relative
    (the form submits to the page itself, pagination keeps the query string)."""
    now = timezone.now()
    form = TenderFilterForm(request.GET)
    packages = public_tender_list(portal=request.portal, filters=form.filters(), now=now)
    page = CappedPaginator(packages, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenders/public/list.html",
        {
            "form": form,
            "page": page,
            "rows": tender_rows(list(page.object_list), now=now),
            "filtered": form.is_filtered(),
            "count_cap": COUNT_CAP,
        },
    )


@require_safe
@portal_required
@public_page
def tender_announcement_view(request: PortalRequest, code: int) -> HttpResponse:
    package = access_public_package(portal=request.portal, code=code)
    return render(
        request,
        "tenders/public/announcement.html",
        {
            "package": package,
            "standing": tender_standing(package),
            "documents": tender_documents(package),
            "joining_open": joining_open(package, now=timezone.now()),
            "by_invitation": by_invitation(package),
        },
    )


@require_safe
@portal_required
@public_page
def tender_schedule_view(request: PortalRequest, code: int) -> HttpResponse:
    package = access_public_package(portal=request.portal, code=code)
    return render(
        request,
        "tenders/public/schedule.html",
        {
            "package": package,
            "standing": tender_standing(package),
            "changes": tender_schedule_changes(package),
        },
    )
