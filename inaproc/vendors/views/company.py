"""The active vendor's own company: its data, documents and verification history."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role
from inaproc.vendors.selectors import (
    company_document_groups,
    company_for_user,
    company_removed_documents,
    registration_history_rows,
)


@require_GET
@never_cache
@portal_role_required(Role.VENDOR)
def company_view(request: HttpRequest) -> HttpResponse:
    company = company_for_user(user=request.user)
    if company is None or company.portal_id != request.portal.pk:
        raise Http404
    registration = getattr(company, "registration", None)
    context = {
        "company": company,
        "registration": registration,
        "sectors": list(company.sectors.order_by("code")),
        "document_groups": company_document_groups(company=company),
        "history": registration_history_rows(registration=registration) if registration else [],
        "removed_documents": company_removed_documents(company=company),
    }
    return render(request, "vendors/company.html", context)
