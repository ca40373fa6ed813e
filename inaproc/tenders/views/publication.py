"""The runner's publication page: what blocks it, the approvals so far, approving, and
cancelling a published tender."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.forms.participation import CancelForm
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.services.publication import (
    PublicationRefused,
    approvals_counted,
    approvals_needed,
    publication_approve,
    publication_blockers,
    tender_cancel,
)

RUNNER_ROLES = (Role.POKJA, Role.PEJABAT_PENGADAAN)


def _page(request: SignedInRequest, package: Package) -> HttpResponse:
    counted = {approval.pk for approval in approvals_counted(package)}
    approvals = list(package.approvals.select_related("user"))
    context = {
        "package": package,
        "blockers": publication_blockers(package) if package.state == PackageState.ASSIGNED else [],
        "approvals": [(approval, approval.pk in counted) for approval in approvals],
        "needed": approvals_needed(package),
        "counted": len(counted),
        "approved_by_me": any(approval.user_id == request.user.pk for approval in approvals),
    }
    return render(request, "tenders/publication/publication.html", context)


def _back(package: Package) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        portal_url(package.portal, "tenders:publication", package_id=package.pk)
    )


@require_GET
@never_cache
@portal_role_required(*RUNNER_ROLES)
def publication_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    return _page(request, package)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*RUNNER_ROLES)
@second_factor_fresh_required
def publication_approve_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    """GET (after confirming the second factor): the page again; POST: approve."""
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    if request.method == "GET":
        return _page(request, package)
    try:
        published = publication_approve(
            package=package, user=request.user, context=audit_context(request)
        )
    except PublicationRefused as refusal:
        messages.error(request, refusal.message)
        return _back(package)
    if published:
        messages.success(request, _("The tender is published. The PPK has been emailed."))
    else:
        messages.success(request, _("Your approval is recorded."))
    return _back(package)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*RUNNER_ROLES)
@second_factor_fresh_required
def tender_cancel_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tender_cancel(
                package=package,
                user=request.user,
                reason=form.cleaned_data["reason"],
                context=audit_context(request),
            )
        except PublicationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("The tender is cancelled. Every participant has been emailed.")
            )
        return _back(package)
    return render(request, "tenders/publication/cancel.html", {"package": package, "form": form})
