"""The vendor's own company, for every user of it: the approved data, documents (with
their end dates), a change request waiting for the verifiers, and the history."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inaproc.vendors.companies.access import company_role_required
from inaproc.vendors.companies.selectors.changes import (
    change_requests_decided,
    changed_labels,
    documents_expiring,
    pending_change_request,
)
from inaproc.vendors.companies.selectors.company import (
    company_all_documents,
    company_document_groups,
    company_removed_documents,
    registration_history_rows,
)
from inaproc.vendors.models import CompanyRole


@require_GET
@never_cache
@company_role_required()
def company_view(request: HttpRequest) -> HttpResponse:
    member = request.company_member
    company = member.company
    registration = getattr(company, "registration", None)
    documents = company_all_documents(company=company)  # current, ending soon, removed
    expiring = documents_expiring(company, documents=documents)
    context = {
        "company": company,
        "is_admin": member.role == CompanyRole.ADMIN,
        "registration": registration,
        "sectors": list(company.sectors.order_by("code")),
        "document_groups": company_document_groups(company=company, documents=documents),
        "expiring": expiring,
        "expired_ids": {item.document.pk for item in expiring if item.expired},
        "expiring_ids": {item.document.pk for item in expiring if not item.expired},
        "pending_change": pending_change_request(company=company),
        "change_history": [
            (change, changed_labels(change)) for change in change_requests_decided(company=company)
        ],
        "history": registration_history_rows(registration=registration) if registration else [],
        "removed_documents": company_removed_documents(company=company, documents=documents),
    }
    return render(request, "vendors/company.html", context)
