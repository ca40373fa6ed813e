"""The Pejabat Pengadaan's invitations to a non-tender package: the invited companies,
a search among the portal's approved companies, invite and withdraw (plain POST
forms). Anyone but the package's Pejabat Pengadaan, and a tender run by a Pokja, get
404."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.forms.invitations import CompanyChoiceForm, CompanySearchForm
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.invitations import by_invitation, invitation_rows
from inaproc.tenders.services.invitations import (
    InvitationRefused,
    invitation_make,
    invitation_withdraw,
)
from inaproc.vendors.companies.selectors.search import (
    approved_companies,
    approved_companies_search,
)
from inaproc.vendors.models import Company


def _package(request: SignedInRequest, package_id: int) -> Package:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    if not by_invitation(package):
        raise Http404
    return package


def _company(request: SignedInRequest, package: Package) -> Company:
    form = CompanyChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404
    company = approved_companies(portal=package.portal).filter(pk=form.cleaned_data["company"])
    found = company.first()
    if found is None:
        # Another portal's company, or one not approved: refused like a missing one.
        found = Company.objects.filter(
            portal=package.portal, pk=form.cleaned_data["company"]
        ).first()
        if found is None:
            raise Http404
    return found


def _back(package: Package) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        portal_url(package.portal, "tenders:invitations", package_id=package.pk)
    )


@require_GET
@never_cache
@portal_role_required(Role.PEJABAT_PENGADAAN)
def invitations_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    form = CompanySearchForm(request.GET or None)
    rows = invitation_rows(package)
    invited = {row.company.pk for row in rows}
    results = []
    searched = False
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        results = [
            company
            for company in approved_companies_search(
                portal=package.portal,
                query=form.cleaned_data["q"],
                kbli_codes=package.kbli.values_list("code", flat=True),
            )
            if company.pk not in invited
        ]
    context = {
        "package": package,
        "rows": rows,
        "form": form,
        "results": results,
        "searched": searched,
        "kbli": list(package.kbli.all()),
    }
    return render(request, "tenders/invitations/invitations.html", context)


@require_POST
@portal_role_required(Role.PEJABAT_PENGADAAN)
def invitation_add_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    company = _company(request, package)
    try:
        invitation_make(
            package=package, user=request.user, company=company, context=audit_context(request)
        )
    except InvitationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(name)s is invited; its administrators have been emailed.")
            % {"name": company.name},
        )
    return _back(package)


@require_POST
@portal_role_required(Role.PEJABAT_PENGADAAN)
def invitation_withdraw_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    company = _company(request, package)
    try:
        invitation_withdraw(
            package=package, user=request.user, company=company, context=audit_context(request)
        )
    except InvitationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The invitation of %(name)s is withdrawn.") % {"name": company.name}
        )
    return _back(package)
