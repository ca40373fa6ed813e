"""The runner's side of Pemberian Penjelasan: every question with the asker's company,
the answer forms, and the questions' files."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.http import SignedInRequest
from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.forms.participation import AnswerForm
from inaproc.tenders.models import Package
from inaproc.tenders.participation_access import access_question
from inaproc.tenders.selectors.participation import (
    answering_open,
    package_with_stages,
    tender_questions,
)
from inaproc.tenders.services.clarification import ClarificationRefused, question_answer
from inaproc.tenders.views.publication import RUNNER_ROLES


def _runner_package(request: SignedInRequest, package_id: int) -> Package:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    return package_with_stages(package, list(package.stages.all()))


def _page(
    request: SignedInRequest, package: Package, *, bound: tuple[int, AnswerForm] | None = None
) -> HttpResponse:
    rows = []
    for question in tender_questions(package):
        form = None
        if question.answered_at is None:
            form = (
                bound[1]
                if bound and bound[0] == question.pk
                else AnswerForm(auto_id=f"answer{question.pk}-%s")
            )
        rows.append((question, form))
    context = {
        "package": package,
        "rows": rows,
        "answering_open": answering_open(package, now=timezone.now()),
    }
    return render(request, "tenders/clarification/staff_questions.html", context)


@require_GET
@never_cache
@portal_role_required(*RUNNER_ROLES)
def questions_staff_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    return _page(request, _runner_package(request, package_id))


@require_POST
@portal_role_required(*RUNNER_ROLES)
def question_answer_view(
    request: SignedInRequest, package_id: int, question_id: int
) -> HttpResponse:
    package = _runner_package(request, package_id)
    question = access_question(package=package, question_id=question_id)
    form = AnswerForm(request.POST, auto_id=f"answer{question.pk}-%s")
    if not form.is_valid():
        return _page(request, package, bound=(question.pk, form))
    try:
        question_answer(
            question=question,
            user=request.user,
            answer=form.cleaned_data["answer"],
            context=audit_context(request),
        )
    except ClarificationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The answer is published and emailed to every participant."))
    url = portal_url(package.portal, "tenders:questions_staff", package_id=package.pk)
    return HttpResponseRedirect(f"{url}#question-{question.pk}")


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@portal_role_required(*RUNNER_ROLES)
def question_attachment_staff_view(
    request: SignedInRequest, package_id: int, question_id: int
) -> HttpResponseBase:
    package = _runner_package(request, package_id)
    question = access_question(package=package, question_id=question_id)
    attachment = getattr(question, "attachment", None)
    if attachment is None:
        raise Http404
    return stored_file_response(request, attachment, download=True)
