"""The vendor's side: joining a tender, "My tenders", a tender the company takes part
in (documents, questions and answers, deadlines) and its files."""

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
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.forms.participation import JoinForm, QuestionForm
from inaproc.tenders.models import Participation
from inaproc.tenders.participation_access import (
    access_participant_document,
    access_participation,
    access_public_tender,
    access_question,
)
from inaproc.tenders.selectors.invitations import by_invitation, is_invited, open_invitations
from inaproc.tenders.selectors.participation import (
    ACTING_ROLES,
    bid_deadline,
    clarification_open,
    joining_open,
    my_tenders,
    participation_of,
    participation_warnings,
    questions_left,
    tender_documents,
    tender_questions,
)
from inaproc.tenders.services.clarification import ClarificationRefused, question_ask
from inaproc.tenders.services.participation import ParticipationRefused, participation_join
from inaproc.vendors.companies.access import CompanyRequest, company_role_required


def _tender_url(request: CompanyRequest, code: int) -> str:
    return portal_url(request.portal, "tenders:participant_tender", code=code)


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(*ACTING_ROLES)
def join_view(request: CompanyRequest, code: int) -> HttpResponse:
    """Ikut Tender: the integrity pact, the warnings, and the box to tick."""
    package = access_public_tender(portal=request.portal, code=code)
    member = request.company_member
    if participation_of(package=package, company=member.company) is not None:
        messages.info(request, _("Your company already takes part in this tender."))
        return HttpResponseRedirect(_tender_url(request, code))
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participation_join(
                package=package, member=member, integrity_pact=True, context=audit_context(request)
            )
        except ParticipationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your company takes part in this tender."))
            return HttpResponseRedirect(_tender_url(request, code))
    context = {
        "package": package,
        "form": form,
        "open": joining_open(package, now=timezone.now()),
        "deadline": bid_deadline(package),
        "warnings": participation_warnings(package=package, company=member.company),
        "not_invited": by_invitation(package)
        and not is_invited(package=package, company=member.company),
    }
    return render(request, "tenders/participation/join.html", context)


@require_GET
@never_cache
@company_role_required()
def my_tenders_view(request: CompanyRequest) -> HttpResponse:
    company = request.company_member.company
    rows = my_tenders(company=company)
    context = {
        "rows": rows,
        # For the other apps' lines (objections, award), read for all rows at once.
        "participations": [row.participation for row in rows],
        "invited": open_invitations(company),
    }
    return render(request, "tenders/participation/my_tenders.html", context)


def _tender_page(
    request: CompanyRequest, participation: Participation, *, form: QuestionForm | None = None
) -> HttpResponse:
    package = participation.package
    now = timezone.now()
    acting = request.company_member.role in ACTING_ROLES
    can_ask = acting and clarification_open(package, now=now)
    context = {
        "package": package,
        "participation": participation,
        "schedule": sorted(package.stages.all(), key=lambda stage: stage.position),
        "documents": tender_documents(package),
        "questions": tender_questions(package),
        "can_ask": can_ask,
        "questions_left": questions_left(participation) if can_ask else 0,
        "form": form or (QuestionForm() if can_ask else None),
        "deadline": bid_deadline(package),
    }
    return render(request, "tenders/participation/tender.html", context)


@require_GET
@never_cache
@company_role_required()
def participant_tender_view(request: CompanyRequest, code: int) -> HttpResponse:
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    return _tender_page(request, participation)


@require_POST
@company_role_required(*ACTING_ROLES)
def question_ask_view(request: CompanyRequest, code: int) -> HttpResponse:
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    form = QuestionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _tender_page(request, participation, form=form)
    try:
        question_ask(
            participation=participation,
            member=request.company_member,
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["attachment"],
            context=audit_context(request),
        )
    except ClarificationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your question is sent. The answer will be emailed to you."))
    return HttpResponseRedirect(_tender_url(request, code) + "#questions")


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@company_role_required()
def document_view(request: CompanyRequest, code: int, document_id: int) -> HttpResponseBase:
    """A tender document or addendum, for the participants only."""
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    document = access_participant_document(participation=participation, document_id=document_id)
    return stored_file_response(request, document, download=True)


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@company_role_required()
def question_attachment_view(
    request: CompanyRequest, code: int, question_id: int
) -> HttpResponseBase:
    """A question's file, for every participant, under a neutral name (not the asker's)."""
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    question = access_question(package=participation.package, question_id=question_id)
    attachment = getattr(question, "attachment", None)
    if attachment is None:
        raise Http404
    attachment.original_name = f"lampiran-pertanyaan-{question.pk}.pdf"
    return stored_file_response(request, attachment, download=True)
