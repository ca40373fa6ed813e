"""The verifiers' queue of registrations and changes of company data, the review page where
a verifier compares a registration's data with its documents and decides (approve, reject
or ask for changes), and the review page of a change (approve or reject)."""

from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.core.templatetags.inaproc import wib
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.companies.selectors.changes import change_document_groups, change_rows
from inaproc.vendors.companies.selectors.company import (
    company_document_groups,
    registration_history_rows,
)
from inaproc.vendors.companies.services.changes import (
    ChangeNotApplicable,
    change_request_approve,
    change_request_reject,
)
from inaproc.vendors.models import ChangeRequest, Registration
from inaproc.vendors.registrations.access import (
    access_change_request_for_review,
    access_registration_for_review,
)
from inaproc.vendors.registrations.forms.review import (
    ApproveChangeForm,
    ApproveForm,
    Decision,
    RejectForm,
    RequestChangesForm,
    VerificationQueueFilterForm,
)
from inaproc.vendors.registrations.selectors import (
    queue_rows,
    verification_queue,
    verification_queue_parts,
)
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
    registration_reject,
    registration_request_changes,
)
from inaproc.vendors.review import ReviewConflict

PAGE_SIZE = 25

DECISION_FORMS = {
    Decision.APPROVE: ApproveForm,
    Decision.REJECT: RejectForm,
    Decision.REQUEST_CHANGES: RequestChangesForm,
}


@require_GET
@never_cache
@portal_role_required(Role.VERIFIER)
def queue_view(request: HttpRequest) -> HttpResponse:
    """Registrations and changes of company data together, longest waiting first."""
    form = VerificationQueueFilterForm(request.GET)
    status, query = form.filters()
    kind = form.kind_filter()
    parts = verification_queue_parts(portal=request.portal, kind=kind, status=status, query=query)
    counts = {name: part.count() for name, part in parts.items()}
    paginator = Paginator(verification_queue(parts), PAGE_SIZE)
    # The list is the parts' UNION ALL: its count is theirs added, not a query more.
    paginator.count = sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "status": status,
        "query": query,
        "kind": kind,
        "page": page,
        "rows": queue_rows(page.object_list),
        "counts": counts,
    }
    return render(request, "vendors/queue.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@csp_update({"frame-src": ["'self'"]})
@portal_role_required(Role.VERIFIER)
def review_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access_registration_for_review(
        portal=request.portal, user=request.user, registration_id=registration_id
    )
    forms = _unbound(DECISION_FORMS)
    if request.method == "GET":
        return _review_page(request, registration, forms)
    decision, form = _posted_decision(request, DECISION_FORMS)
    if form is None:
        return _review_page(request, registration, forms, error=str(CHOOSE_ONE), status=400)
    if not registration.is_pending:
        return _conflict_page(request, registration, forms)
    forms[decision] = form
    if not form.is_valid():
        return _review_page(request, registration, forms)
    try:
        registration = _decide(request, registration, decision, form)
    except ReviewConflict as conflict:
        return _conflict_page(request, conflict.subject, _unbound(DECISION_FORMS))
    messages.success(request, _success_message(decision, registration))
    return HttpResponseRedirect(portal_url(request.portal, "vendors:queue"))


CHOOSE_ONE = gettext_lazy("Choose one of the decisions below and submit its form.")


def _unbound(form_classes: dict[str, Any]) -> dict[str, Any]:
    """One empty form per decision, each with its own id prefix."""
    return {name: form_class(auto_id=f"{name}-%s") for name, form_class in form_classes.items()}


def _posted_decision(request: HttpRequest, form_classes: dict[str, Any]) -> tuple[str, Any]:
    """The decision posted and its bound form, or ("", None) if none, several (ambiguous)
    or an unknown one was posted."""
    values = request.POST.getlist("decision")
    decision = values[0] if len(values) == 1 else ""
    if decision not in form_classes:
        return "", None
    return decision, form_classes[decision](request.POST, auto_id=f"{decision}-%s")


def _decide(request: HttpRequest, registration: Registration, decision: str, form) -> Registration:
    common = {
        "registration_id": registration.pk,
        "portal": request.portal,
        "verifier": request.user,
        "context": audit_context(request),
    }
    if decision == Decision.APPROVE:
        return registration_approve(**common)
    if decision == Decision.REJECT:
        return registration_reject(**common, reason=form.cleaned_data["reason"])
    return registration_request_changes(
        **common, notes=form.notes(), message=form.cleaned_data["message"]
    )


def _success_message(decision: str, registration: Registration) -> str:
    values = {"company": registration.company.name}
    if decision == Decision.APPROVE:
        text = _("%(company)s is approved: its account is active and the vendor has been told.")
    elif decision == Decision.REJECT:
        text = _("%(company)s is rejected; the vendor has been emailed the reason.")
    else:
        text = _("Changes were requested from %(company)s; the vendor has been emailed the notes.")
    return text % values


# The noun of the one conflict message, by what was being decided.
CONFLICT_NOUNS = {
    # Translators: fills %(subject)s in "This %(subject)s was already decided by …" and
    # "This %(subject)s is not waiting …"; capitalised if the sentence starts with it.
    Registration: pgettext_lazy("decision conflict", "registration"),
    # Translators: a change of company data; fills %(subject)s as above.
    ChangeRequest: pgettext_lazy("decision conflict", "change"),
}


def conflict_message(conflict: ReviewConflict) -> str:
    """Why a decision was refused: someone decided first, or it is not waiting. For a
    registration and a change of company data alike."""
    values = {
        "subject": CONFLICT_NOUNS[type(conflict.subject)],
        "status": conflict.status_label,
    }
    by = conflict.decided_by
    if by is not None and conflict.decided_at is not None:
        return _(
            "This %(subject)s was already decided by %(by)s at %(at)s (%(status)s). "
            "Your decision was not recorded."
        ) % {**values, "by": by.full_name or by.username, "at": wib(conflict.decided_at)}
    return (
        _(
            "This %(subject)s is not waiting for a decision (%(status)s). "
            "Your decision was not recorded."
        )
        % values
    )


def _conflict_page(request: HttpRequest, registration: Registration, forms) -> HttpResponse:
    registration = (
        Registration.objects.select_related("company", "applicant", "decided_by")
        .filter(pk=registration.pk)
        .get()
    )
    error = conflict_message(ReviewConflict(registration))
    return _review_page(request, registration, forms, error=error, status=409)


def _review_page(
    request: HttpRequest,
    registration: Registration,
    forms: dict[str, Any],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    company = registration.company
    context = {
        "registration": registration,
        "company": company,
        "sectors": list(company.sectors.order_by("code")),
        "document_groups": company_document_groups(company=company),
        "history": registration_history_rows(registration=registration),
        "approve_form": forms[Decision.APPROVE],
        "reject_form": forms[Decision.REJECT],
        "changes_form": forms[Decision.REQUEST_CHANGES],
        "error": error,
    }
    return render(request, "vendors/review.html", context, status=status)


# --- Changes of company data ------------------------------------------------------------

CHANGE_DECISION_FORMS = {Decision.APPROVE: ApproveChangeForm, Decision.REJECT: RejectForm}


@require_http_methods(["GET", "POST"])
@never_cache
@csp_update({"frame-src": ["'self'"]})
@portal_role_required(Role.VERIFIER)
def change_review_view(request: HttpRequest, change_id: int) -> HttpResponse:
    """A change of company data: the approved data beside the proposed data, current and
    new documents previewed, and the decision (approve applies it; reject with a reason)."""
    change_request = access_change_request_for_review(
        portal=request.portal, user=request.user, change_id=change_id
    )
    forms = _unbound(CHANGE_DECISION_FORMS)
    if request.method == "GET":
        return _change_page(request, change_request, forms)
    decision, form = _posted_decision(request, CHANGE_DECISION_FORMS)
    if form is None:
        return _change_page(request, change_request, forms, error=str(CHOOSE_ONE), status=400)
    if not change_request.is_pending:
        return _change_conflict_page(request, change_request, forms)
    forms[decision] = form
    if not form.is_valid():
        return _change_page(request, change_request, forms)
    common = {"change_id": change_request.pk, "portal": request.portal, "verifier": request.user}
    try:
        if decision == Decision.APPROVE:
            change_request_approve(**common, context=audit_context(request))
            text = _("The change of %(company)s is approved and applied; the vendor has been told.")
        else:
            change_request_reject(
                **common, reason=form.cleaned_data["reason"], context=audit_context(request)
            )
            text = _(
                "The change of %(company)s is rejected; the vendor has been emailed the reason."
            )
    except ReviewConflict as conflict:
        decided = access_change_request_for_review(
            portal=request.portal, user=request.user, change_id=conflict.subject.pk
        )
        return _change_conflict_page(request, decided, _unbound(CHANGE_DECISION_FORMS))
    except ChangeNotApplicable as problem:
        return _change_page(request, change_request, forms, error=str(problem), status=409)
    messages.success(request, text % {"company": change_request.company.name})
    return HttpResponseRedirect(portal_url(request.portal, "vendors:queue"))


def _change_conflict_page(
    request: HttpRequest, change_request: ChangeRequest, forms: dict[str, Any]
) -> HttpResponse:
    error = conflict_message(ReviewConflict(change_request))
    return _change_page(request, change_request, forms, error=error, status=409)


def _change_page(
    request: HttpRequest,
    change_request: ChangeRequest,
    forms: dict[str, Any],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "change_request": change_request,
        "company": change_request.company,
        "rows": change_rows(change_request=change_request),
        "document_groups": change_document_groups(change_request=change_request),
        "approve_form": forms[Decision.APPROVE],
        "reject_form": forms[Decision.REJECT],
        "error": error,
    }
    return render(request, "vendors/change_review.html", context, status=status)
