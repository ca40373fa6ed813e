"""The vendor's side: the objection page of a tender the company takes part in (the
window, the form, its objection with the answer, the appeal), and its own files."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.objections.access import access_attachment
from inaproc.objections.forms import AppealForm, ObjectionForm
from inaproc.objections.selectors import (
    answer_deadline,
    answered_late,
    appeal_deadline,
    appeal_open,
    appeals_allowed,
    filing_open,
    has_submitted_bid,
    may_act,
    objection_of,
    objection_stage,
)
from inaproc.objections.services.appeals import appeal_file
from inaproc.objections.services.objections import ObjectionRefused, objection_file
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.models import Participation
from inaproc.tenders.participation_access import access_participation
from inaproc.tenders.selectors.participation import ACTING_ROLES, package_with_stages
from inaproc.vendors.companies.access import CompanyRequest, company_role_required


def _participation(request: CompanyRequest, code: int) -> Participation:
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    package = participation.package
    package_with_stages(package, list(package.stages.all()))
    return participation


def _page(
    request: CompanyRequest,
    participation: Participation,
    *,
    form: ObjectionForm | None = None,
    appeal_form: AppealForm | None = None,
) -> HttpResponse:
    package = participation.package
    now = timezone.now()
    objection = objection_of(participation)
    if objection is not None:
        objection.package = package
    acting = may_act(request.company_member)
    bid = has_submitted_bid(participation)
    can_file = acting and bid and objection is None and filing_open(package, now=now)
    can_appeal = acting and objection is not None and appeal_open(objection, now=now)
    context = {
        "package": package,
        "participation": participation,
        "stage": objection_stage(package),
        "window_open": filing_open(package, now=now),
        "has_bid": bid,
        "acting": acting,
        "objection": objection,
        "appeal": getattr(objection, "appeal", None) if objection else None,
        "answer_deadline": answer_deadline(package),
        "late": objection is not None and answered_late(objection),
        "appeals_allowed": appeals_allowed(package),
        "appeal_deadline": appeal_deadline(objection) if objection else None,
        "can_file": can_file,
        "form": form or (ObjectionForm() if can_file else None),
        "can_appeal": can_appeal,
        "appeal_form": appeal_form or (AppealForm() if can_appeal else None),
    }
    return render(request, "objections/participant.html", context)


def _back(request: CompanyRequest, code: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        portal_url(request.portal, "objections:participant_objection", code=code)
    )


@require_GET
@never_cache
@company_role_required()
def participant_objection_view(request: CompanyRequest, code: int) -> HttpResponse:
    return _page(request, _participation(request, code))


@require_POST
@company_role_required(*ACTING_ROLES)
def objection_file_view(request: CompanyRequest, code: int) -> HttpResponse:
    participation = _participation(request, code)
    form = ObjectionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, participation, form=form)
    try:
        objection_file(
            participation=participation,
            member=request.company_member,
            reasons=form.cleaned_data["reasons"],
            uploads=form.cleaned_data["attachments"],
            context=audit_context(request),
        )
    except ObjectionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Your objection is filed. The Pokja's answer will be emailed to you.")
        )
    return _back(request, code)


@require_http_methods(["POST"])
@company_role_required(*ACTING_ROLES)
def appeal_file_view(request: CompanyRequest, code: int) -> HttpResponse:
    participation = _participation(request, code)
    objection = objection_of(participation)
    form = AppealForm(request.POST)
    if objection is None:
        messages.error(request, _("An appeal of this objection cannot be filed."))
        return _back(request, code)
    objection.package = participation.package
    if not form.is_valid():
        return _page(request, participation, appeal_form=form)
    try:
        appeal_file(
            objection=objection,
            member=request.company_member,
            reasons=form.cleaned_data["reasons"],
            context=audit_context(request),
        )
    except ObjectionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your appeal is filed with the budget holder (PA/KPA)."))
    return _back(request, code)


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@company_role_required()
def own_attachment_view(request: CompanyRequest, code: int, attachment_id: int) -> HttpResponseBase:
    participation = _participation(request, code)
    objection = objection_of(participation)
    if objection is None:
        raise Http404
    attachment = access_attachment(objection=objection, attachment_id=attachment_id)
    return stored_file_response(request, attachment, download=True)
