"""Declaring a tender failed (the runners, with the quorum) and repeating it (the PPK)."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_ppk, access_package_as_runner
from inaproc.tenders.forms.failure import FailureForm
from inaproc.tenders.models import Package
from inaproc.tenders.services.failure import (
    FailureRefused,
    failure_approvals_counted,
    failure_proposal,
    tender_failure_approve,
    tender_repeat,
)
from inaproc.tenders.services.publication import approvals_needed
from inaproc.tenders.views.publication import RUNNER_ROLES


def _page(request: SignedInRequest, package: Package, form: FailureForm | None = None):
    proposal = failure_proposal(package)
    approvals = list(package.failure_approvals.select_related("user"))
    context = {
        "package": package,
        "proposal": proposal,
        "approvals": approvals,
        "counted": len(failure_approvals_counted(package)),
        "needed": approvals_needed(package),
        "approved_by_me": any(a.user_id == request.user.pk for a in approvals),
        "form": form or FailureForm(proposing=proposal is None),
    }
    return render(request, "tenders/failure/failure.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*RUNNER_ROLES)
@second_factor_fresh_required
def tender_failure_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    """GET: the proposal and the approvals so far; POST: propose or confirm."""
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    if request.method == "GET":
        return _page(request, package)
    form = FailureForm(request.POST, proposing=failure_proposal(package) is None)
    if not form.is_valid():
        return _page(request, package, form)
    try:
        failed = tender_failure_approve(
            package=package,
            user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            note=form.cleaned_data.get("note", ""),
            context=audit_context(request),
        )
    except FailureRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("The tender has failed. Every participant has been emailed.")
            if failed
            else _("Your approval of the failure is recorded."),
        )
    return HttpResponseRedirect(
        portal_url(package.portal, "tenders:tender_failure", package_id=package.pk)
    )


@require_POST
@portal_role_required(Role.PPK)
@second_factor_fresh_required
def tender_repeat_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    """The PPK repeats a failed tender: a new draft copied from it."""
    package = access_package_as_ppk(portal=request.portal, user=request.user, package_id=package_id)
    try:
        repeat = tender_repeat(package=package, user=request.user, context=audit_context(request))
    except FailureRefused as refusal:
        messages.error(request, refusal.message)
        return HttpResponseRedirect(
            portal_url(package.portal, "tenders:package_detail", pk=package.pk)
        )
    messages.success(
        request,
        _("The repeat tender %(code)s is created as a draft: complete it and assign it.")
        % {"code": repeat.code},
    )
    return HttpResponseRedirect(portal_url(package.portal, "tenders:package_detail", pk=repeat.pk))
