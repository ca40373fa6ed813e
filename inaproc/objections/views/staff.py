"""The officials' side: the runners answer objections; the PPK or a portal
administrator enters the budget holder's decisions on appeals."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.objections.access import (
    access_appeal,
    access_attachment,
    access_objection,
    access_package_for_appeals,
)
from inaproc.objections.forms import AnswerForm, AppealDecisionForm
from inaproc.objections.models import Appeal
from inaproc.objections.selectors import (
    answer_deadline,
    appeal_decision_due,
    objection_stage,
    objections_of,
    period_ended,
)
from inaproc.objections.services.appeals import appeal_decide
from inaproc.objections.services.objections import ObjectionRefused, objection_answer
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.participation import package_with_stages

RUNNER_ROLES = (Role.POKJA, Role.PEJABAT_PENGADAAN)
APPEAL_ROLES = (Role.PPK, Role.PORTAL_ADMIN)


def _runner_package(request: SignedInRequest, package_id: int) -> Package:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    return package_with_stages(package, list(package.stages.all()))


def _page(
    request: SignedInRequest, package: Package, *, bound: tuple[int, AnswerForm] | None = None
) -> HttpResponse:
    rows = []
    for objection in objections_of(package):
        objection.package = package
        form = None
        if objection.answered_at is None:
            form = (
                bound[1]
                if bound and bound[0] == objection.pk
                else AnswerForm(auto_id=f"answer{objection.pk}-%s")
            )
        rows.append((objection, form))
    context = {
        "package": package,
        "rows": rows,
        "stage": objection_stage(package),
        "answer_deadline": answer_deadline(package),
        "period_ended": period_ended(package, now=timezone.now()),
    }
    return render(request, "objections/staff.html", context)


@require_GET
@never_cache
@portal_role_required(*RUNNER_ROLES)
def staff_objections_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    return _page(request, _runner_package(request, package_id))


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*RUNNER_ROLES)
@second_factor_fresh_required
def objection_answer_view(
    request: SignedInRequest, package_id: int, objection_id: int
) -> HttpResponse:
    """GET (after confirming the second factor): the page; POST: the answer."""
    package = _runner_package(request, package_id)
    objection = access_objection(package=package, objection_id=objection_id)
    if request.method == "GET":
        return _page(request, package)
    form = AnswerForm(request.POST, auto_id=f"answer{objection.pk}-%s")
    if not form.is_valid():
        return _page(request, package, bound=(objection.pk, form))
    try:
        objection_answer(
            objection=objection,
            user=request.user,
            decision=form.cleaned_data["decision"],
            answer=form.cleaned_data["reasons"],
            outcome=form.cleaned_data["outcome"],
            context=audit_context(request),
        )
    except ObjectionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The answer is recorded and emailed to the objector."))
    url = portal_url(package.portal, "objections:staff_objections", package_id=package.pk)
    return HttpResponseRedirect(f"{url}#objection-{objection.pk}")


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@portal_role_required(*RUNNER_ROLES, *APPEAL_ROLES)
def staff_attachment_view(
    request: SignedInRequest, package_id: int, objection_id: int, attachment_id: int
) -> HttpResponseBase:
    """An objection's file, for the runners, the PPK and portal administrators."""
    try:
        package = access_package_as_runner(
            portal=request.portal, user=request.user, package_id=package_id
        )
    except Http404:  # not a runner: perhaps the budget holder's clerk
        package = access_package_for_appeals(
            portal=request.portal, user=request.user, package_id=package_id
        )
    objection = access_objection(package=package, objection_id=objection_id)
    attachment = access_attachment(objection=objection, attachment_id=attachment_id)
    return stored_file_response(request, attachment, download=True)


def _appeals_page(
    request: SignedInRequest,
    package: Package,
    *,
    bound: tuple[int, AppealDecisionForm] | None = None,
) -> HttpResponse:
    rows = []
    appeals = Appeal.objects.filter(objection__package=package).select_related(
        "objection__participation__company", "decided_by"
    )
    for appeal in appeals.order_by("filed_at", "pk"):
        form = None
        if appeal.decided_at is None:
            form = (
                bound[1]
                if bound and bound[0] == appeal.pk
                else AppealDecisionForm(auto_id=f"appeal{appeal.pk}-%s")
            )
        rows.append((appeal, form, appeal_decision_due(appeal)))
    return render(request, "objections/appeals.html", {"package": package, "rows": rows})


@require_GET
@never_cache
@portal_role_required(*APPEAL_ROLES)
def appeals_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = access_package_for_appeals(
        portal=request.portal, user=request.user, package_id=package_id
    )
    return _appeals_page(request, package)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*APPEAL_ROLES)
@second_factor_fresh_required
def appeal_decide_view(request: SignedInRequest, package_id: int, appeal_id: int) -> HttpResponse:
    """GET (after confirming the second factor): the page; POST: the decision."""
    package = access_package_for_appeals(
        portal=request.portal, user=request.user, package_id=package_id
    )
    appeal = access_appeal(package=package, appeal_id=appeal_id)
    if request.method == "GET":
        return _appeals_page(request, package)
    form = AppealDecisionForm(request.POST, auto_id=f"appeal{appeal.pk}-%s")
    if not form.is_valid():
        return _appeals_page(request, package, bound=(appeal.pk, form))
    try:
        appeal_decide(
            appeal=appeal,
            user=request.user,
            decision=form.cleaned_data["decision"],
            reasons=form.cleaned_data["reasons"],
            outcome=form.cleaned_data["outcome"],
            context=audit_context(request),
        )
    except ObjectionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The budget holder's decision is recorded and emailed."))
    return HttpResponseRedirect(
        portal_url(package.portal, "objections:appeals", package_id=package.pk)
    )
