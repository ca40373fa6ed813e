"""The platform root: the national search over every portal's public tenders and the
portal directory (issue 18, items 4 and 5); and a vendor's saved searches on their
portal (accounts belong to a portal: the root has no signed-in user). GET pages work
without JavaScript; the saved searches are plain POST forms."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role
from inaproc.core.exceptions import ApplicationError
from inaproc.core.http import audit_context
from inaproc.core.pagecache import public_page
from inaproc.portals.directory import active_portal_choices
from inaproc.portals.http import PortalRequest
from inaproc.portals.selectors import portal_get_active
from inaproc.portals.urls_helpers import portal_url
from inaproc.search.filters import PARAMS, SearchFilters
from inaproc.search.forms import (
    DirectoryForm,
    NationalSearchForm,
    SavedSearchForm,
    page_size,
)
from inaproc.search.models import SavedSearch
from inaproc.search.selectors import (
    is_ranked,
    national_search,
    national_search_count,
    national_search_newest,
    national_search_page,
    national_search_ranked,
    national_search_rows,
    portal_directory,
    query_has_words,
    saved_search_filters,
    saved_search_list,
)
from inaproc.search.services import saved_search_create, saved_search_delete
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.public import tender_rows
from inaproc.tenders.views.public import COUNT_CAP, CappedPaginator

SEARCH_PARAMS = frozenset(PARAMS.values())


class SearchPaginator(CappedPaginator):
    """Counts (up to the cap) the bare matches (`national_search_count`): not the
    sorted list, whose relevance would be computed for every counted row."""

    def __init__(self, object_list: QuerySet[Package], per_page: int, *, counted) -> None:
        super().__init__(object_list, per_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted()


class IdsPaginator(CappedPaginator):
    """Pages of a list of ids whose capped count came with them: the ranked pool of
    `national_search_ranked` or the newest matches of `national_search_newest`."""

    def __init__(self, ids: list[int], per_page: int, *, count: int) -> None:
        super().__init__(ids, per_page)
        self.counted = count

    @cached_property
    def count(self) -> int:
        # The pages are those of the ids at hand (the cap's worth): past them a search
        # says "more than" and asks for a narrower one, never shows an empty page.
        return min(self.counted, len(self.object_list))

    @property
    def is_capped(self) -> bool:
        return self.counted > COUNT_CAP


@require_safe
@public_page
def search_home_view(request: HttpRequest) -> HttpResponse:
    """Results when anything is asked for (`?q=…`, a filter, a sort), else the
    directory. `?simpan=<portal>` takes the search to that portal to be saved. Cached for
    anonymous visitors like every public page (at most PAGE_CACHE_SECONDS old: a tender
    published on any portal shows within a minute)."""
    domain_portal = getattr(request, "domain_portal", None)  # set by PortalMiddleware
    if domain_portal is not None:
        return HttpResponseRedirect(domain_portal.get_absolute_url())
    portals = active_portal_choices()
    form = NationalSearchForm(request.GET, portals=portals)
    filters = form.filters()
    save_on = request.GET.get("simpan", "")
    if save_on:
        return _to_saving(save_on, filters)
    if SEARCH_PARAMS.isdisjoint(request.GET):
        return _directory(request, form)
    now = timezone.now()
    words = query_has_words(filters.q)
    per_page = page_size(request.GET.get("n"))
    paginator: CappedPaginator
    if is_ranked(filters, words):
        ranked, count = national_search_ranked(filters=filters, now=now)
        paginator = IdsPaginator(ranked, per_page, count=count)
    elif (
        newest := national_search_newest(filters=filters, now=now, words=words, cap=COUNT_CAP)
    ) is not None:
        paginator = IdsPaginator(newest[:COUNT_CAP], per_page, count=len(newest))
    else:
        packages = national_search(filters=filters, now=now, words=words)
        paginator = SearchPaginator(
            packages,
            per_page,
            counted=lambda: national_search_count(
                filters=filters, now=now, words=words, cap=COUNT_CAP
            ),
        )
    page = paginator.get_page(request.GET.get("page"))
    shown = (
        national_search_rows(list(page.object_list))
        if isinstance(paginator, IdsPaginator)
        else national_search_page(page.object_list, words=words, few=not paginator.is_capped)
    )
    return render(
        request,
        "search/home.html",
        {
            "form": form,
            "searching": True,
            "page": page,
            "rows": tender_rows(shown, now=now),
            "count_cap": COUNT_CAP,
            "stop_words_only": bool(filters.q) and not words,
            "savable": not filters.is_empty(),
            "portals": portals,
        },
    )


def _directory(request: HttpRequest, form: NationalSearchForm) -> HttpResponse:
    directory_form = DirectoryForm(request.GET)
    text, province = directory_form.values()
    return render(
        request,
        "search/home.html",
        {
            "form": form,
            "searching": False,
            "directory_form": directory_form,
            "directory": portal_directory(text=text, province=province),
            "directory_filtered": bool(text or province),
        },
    )


def _to_saving(slug: str, filters: SearchFilters) -> HttpResponse:
    portal = portal_get_active(slug=slug)
    if portal is None:
        raise Http404
    return HttpResponseRedirect(
        f"{portal_url(portal, 'search:saved_new')}?{filters.query_string()}"
    )


@require_GET
@portal_role_required(Role.VENDOR)
def saved_list_view(request: PortalRequest) -> HttpResponse:
    saved = saved_search_list(portal=request.portal, user=request.user)
    return render(
        request,
        "search/saved_list.html",
        {"saved_searches": [(item, saved_search_filters(item)) for item in saved]},
    )


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.VENDOR)
def saved_new_view(request: PortalRequest) -> HttpResponse:
    """The search of the query string, to be named and kept (POST to the same URL)."""
    filters = NationalSearchForm(request.GET, portals=active_portal_choices()).filters()
    form = SavedSearchForm(request.POST or None, initial={"name": filters.q[:100]})
    if request.method == "POST" and form.is_valid():
        try:
            saved_search_create(
                portal=request.portal,
                user=request.user,
                name=form.cleaned_data["name"],
                filters=filters,
                context=audit_context(request),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The search is saved: new tenders will be emailed."))
            return HttpResponseRedirect(portal_url(request.portal, "search:saved_list"))
    return render(
        request,
        "search/saved_new.html",
        {"form": form, "filters": filters, "empty": filters.is_empty()},
    )


def access_saved_search(request: PortalRequest, pk: int) -> SavedSearch:
    """The user's own saved search on this portal; anyone else's: 404 alike."""
    saved = SavedSearch.objects.filter(pk=pk, portal=request.portal).first()
    if saved is None or saved.user_id != request.user.pk:
        raise Http404
    return saved


@require_POST
@portal_role_required(Role.VENDOR)
def saved_delete_view(request: PortalRequest, pk: int) -> HttpResponse:
    saved = access_saved_search(request, pk)
    saved_search_delete(saved=saved, actor=request.user, context=audit_context(request))
    messages.success(request, _("The saved search is deleted."))
    return HttpResponseRedirect(portal_url(request.portal, "search:saved_list"))
