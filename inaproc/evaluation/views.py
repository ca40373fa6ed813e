"""The Pokja's evaluation pages (server-rendered, plain POST forms): the board (bids,
ranking, proposal and approvals, proof, announcement), a participant's entries; and the
vendor's page of its own result. Only the package's Pokja members (or its Pejabat
Pengadaan) reach the staff pages; anything else is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.evaluation import forms, services
from inaproc.evaluation.selectors import evaluation_standing
from inaproc.evaluation.selectors.board import Candidate, Standing, negotiates, opened_files
from inaproc.evaluation.selectors.vendor import own_result
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.models import Package
from inaproc.tenders.participation_access import access_participation
from inaproc.vendors.companies.access import CompanyRequest, company_role_required

RUNNER_ROLES = (Role.POKJA, Role.PEJABAT_PENGADAAN)


def _package(request: SignedInRequest, package_id: int) -> Package:
    return access_package_as_runner(portal=request.portal, user=request.user, package_id=package_id)


def _board_url(package: Package) -> str:
    return portal_url(package.portal, "evaluation:board", package_id=package.pk)


def _back(package: Package) -> HttpResponseRedirect:
    return HttpResponseRedirect(_board_url(package))


def _label(candidate: Candidate) -> str:
    return candidate.company.name


def _ranked_choices(standing: Standing) -> list[tuple[int, str]]:
    return [(row.participation.pk, f"{row.rank}. {_label(row)}") for row in standing.ranked]


def _candidate_choices(standing: Standing) -> list[tuple[int, str]]:
    if standing.proposal is None:
        return []
    return [(p.pk, p.company.name) for p in standing.proposal.candidates()]


def _participation(standing: Standing, pk: int):
    for row in standing.candidates:
        if row.participation.pk == pk:
            return row.participation
    raise Http404


def _errors_to_messages(request, error) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, error.message)


def _board(request: SignedInRequest, standing: Standing, **forms_given) -> HttpResponse:
    ranked = standing.ranked
    initial = {}
    if ranked:
        initial["winner"] = ranked[0].participation.pk
        if len(ranked) > 1:
            initial["reserve1"] = ranked[1].participation.pk
        if len(ranked) > 2:
            initial["reserve2"] = ranked[2].participation.pk
    evaluation = standing.evaluation
    context = {
        "package": standing.package,
        "standing": standing,
        "approved_by_me": any(a.user_id == request.user.pk for a in standing.approvals),
        "negotiates": negotiates(standing.package),
        "weights_form": forms_given.get("weights_form")
        or forms.WeightsForm(
            initial={
                "technical": evaluation.technical_weight if evaluation else None,
                "price": evaluation.price_weight if evaluation else None,
            }
        ),
        "proposal_form": forms_given.get("proposal_form")
        or forms.ProposalForm(choices=_ranked_choices(standing), initial=initial),
        "invitation_form": forms_given.get("invitation_form")
        or forms.InvitationForm(
            choices=_candidate_choices(standing),
            initial={"participation": standing.awaited.pk if standing.awaited else None},
        ),
        "outcome_form": forms_given.get("outcome_form")
        or forms.ProofOutcomeForm(choices=_candidate_choices(standing)),
    }
    return render(request, "evaluation/board.html", context)


@require_GET
@never_cache
@portal_role_required(*RUNNER_ROLES)
def board_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    return _board(request, evaluation_standing(package))


def _candidate(standing: Standing, participation_id: int) -> Candidate:
    candidate = next(
        (row for row in standing.candidates if row.participation.pk == participation_id), None
    )
    if candidate is None:
        raise Http404
    return candidate


def _entry_page(
    request: SignedInRequest,
    standing: Standing,
    candidate: Candidate,
    *,
    form: forms.EntryForm | None = None,
    negotiation_form: forms.NegotiationForm | None = None,
) -> HttpResponse:
    package = standing.package
    negotiation = candidate.negotiation
    context = {
        "package": package,
        "standing": standing,
        "candidate": candidate,
        "form": form
        or forms.EntryForm(
            steps=candidate.steps,
            scored=standing.scored,
            initial=forms.EntryForm.initial_of(candidate),
        ),
        "files": opened_files(package, candidate),
        "negotiates": negotiates(package),
        "negotiation_form": negotiation_form
        or forms.NegotiationForm(
            prefix=forms.NEGOTIATION_PREFIX,
            initial={
                "negotiated_price": negotiation.negotiated_price if negotiation else "",
                "note": negotiation.note if negotiation else "",
            },
        ),
    }
    return render(request, "evaluation/entry.html", context, status=200)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*RUNNER_ROLES)
def entry_view(request: SignedInRequest, package_id: int, participation_id: int) -> HttpResponse:
    package = _package(request, package_id)
    standing = evaluation_standing(package)
    candidate = _candidate(standing, participation_id)
    form = forms.EntryForm(
        request.POST or None,
        steps=candidate.steps,
        scored=standing.scored,
        initial=forms.EntryForm.initial_of(candidate),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entries_record(
                package=package,
                user=request.user,
                participation=candidate.participation,
                inputs=form.inputs(),
                context=audit_context(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except services.EvaluationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The evaluation of this bid is saved."))
            return _back(package)
    return _entry_page(request, standing, candidate, form=form)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def negotiation_view(
    request: SignedInRequest, package_id: int, participation_id: int
) -> HttpResponse:
    """The Pejabat Pengadaan's negotiated price with one participant (non-tender only)."""
    package = _package(request, package_id)
    if not negotiates(package):
        raise Http404
    standing = evaluation_standing(package)
    candidate = _candidate(standing, participation_id)
    form = forms.NegotiationForm(request.POST, prefix=forms.NEGOTIATION_PREFIX)
    if form.is_valid():
        try:
            services.negotiation_record(
                package=package,
                user=request.user,
                participation=candidate.participation,
                price=form.cleaned_data["negotiated_price"],
                note=form.cleaned_data["note"],
                context=audit_context(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except services.EvaluationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The negotiated price is saved."))
            return _back(package)
    return _entry_page(request, standing, candidate, negotiation_form=form)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def weights_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    form = forms.WeightsForm(request.POST)
    if not form.is_valid():
        return _board(request, evaluation_standing(package), weights_form=form)
    try:
        services.weights_set(
            package=package,
            user=request.user,
            technical=form.cleaned_data["technical"],
            price=form.cleaned_data["price"],
            context=audit_context(request),
        )
    except (ValidationError, services.EvaluationRefused) as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("The weights are saved."))
    return _back(package)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def propose_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    standing = evaluation_standing(package)
    form = forms.ProposalForm(request.POST, choices=_ranked_choices(standing))
    if not form.is_valid():
        return _board(request, standing, proposal_form=form)
    data = form.cleaned_data
    reserves = [_participation(standing, pk) for pk in (data["reserve1"], data["reserve2"]) if pk]
    try:
        proposal = services.proposal_make(
            package=package,
            user=request.user,
            winner=_participation(standing, data["winner"]),
            reserves=reserves,
            context=audit_context(request),
        )
    except services.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if proposal.state == "decided":
            messages.success(request, _("The result is decided."))
        else:
            messages.success(
                request, _("The result is proposed. It is decided when enough members approve.")
            )
    return _back(package)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def approve_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    try:
        proposal = services.proposal_approve(
            package=package, user=request.user, context=audit_context(request)
        )
    except services.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if proposal.state == "decided":
            messages.success(request, _("The result is decided."))
        else:
            messages.success(request, _("Your approval is recorded."))
    return _back(package)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def invite_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    standing = evaluation_standing(package)
    form = forms.InvitationForm(request.POST, choices=_candidate_choices(standing))
    if not form.is_valid():
        return _board(request, standing, invitation_form=form)
    data = form.cleaned_data
    try:
        services.proof_invite(
            package=package,
            user=request.user,
            participation=_participation(standing, data["participation"]),
            meeting_at=data["meeting_at"],
            place=data["place"],
            meeting_link=data["meeting_link"],
            context=audit_context(request),
        )
    except services.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The invitation is sent."))
    return _back(package)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def proof_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    standing = evaluation_standing(package)
    form = forms.ProofOutcomeForm(request.POST, choices=_candidate_choices(standing))
    if not form.is_valid():
        return _board(request, standing, outcome_form=form)
    data = form.cleaned_data
    try:
        services.proof_record(
            package=package,
            user=request.user,
            participation=_participation(standing, data["participation"]),
            passed=data["outcome"] == forms.PASS,
            reason=data["reason"],
            context=audit_context(request),
        )
    except services.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The outcome of the proof is recorded."))
    return _back(package)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def announce_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    try:
        services.winner_announce(package=package, user=request.user, context=audit_context(request))
    except services.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The winner is announced."))
    return _back(package)


@require_POST
@portal_role_required(*RUNNER_ROLES)
def file_one_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    try:
        services.file_one_announce(
            package=package, user=request.user, context=audit_context(request)
        )
    except services.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The result of file I is announced."))
    return _back(package)


@require_GET
@never_cache
@company_role_required()
def my_result_view(request: CompanyRequest, code: int) -> HttpResponse:
    """The tender's result and the evaluation notes about the company's own bid only."""
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    context = {"package": participation.package, "result": own_result(participation)}
    return render(request, "evaluation/my_result.html", context)
