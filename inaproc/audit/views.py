from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role
from inaproc.audit.selectors import audit_event_list


@require_GET
@portal_role_required(Role.PORTAL_ADMIN)
def audit_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    events = audit_event_list(portal=request.portal, query=query)
    paginator = Paginator(events, settings.AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "query": query})
