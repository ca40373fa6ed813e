"""The company administrator's request to change critical company data: a form with the
approved data and documents, or, while a request waits for the verifiers, that request
(with "withdraw")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inaproc.core.http import audit_context
from inaproc.files.forms import ticked_ids
from inaproc.files.held import (
    FORM_KEY_FIELD,
    form_key,
    held_for_submit,
    hold_valid_uploads,
)
from inaproc.files.selectors import held_uploads
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.companies.access import company_role_required
from inaproc.vendors.companies.forms.changes import ChangeDocumentsForm, CriticalDataForm
from inaproc.vendors.companies.forms.company import LICENCE_VALID_UNTIL_FIELD, service_errors_place
from inaproc.vendors.companies.forms.documents import (
    REMOVE_DOCUMENT_FIELD,
)
from inaproc.vendors.companies.selectors.changes import (
    change_document_groups,
    change_rows,
    company_critical_values,
    pending_change_request,
)
from inaproc.vendors.companies.selectors.company import company_documents
from inaproc.vendors.companies.services.changes import (
    ChangePending,
    NothingChanged,
    change_request_submit,
    change_request_withdraw,
)
from inaproc.vendors.companies.views.slots import document_slots, documents_submission
from inaproc.vendors.models import (
    ChangeRequest,
    ChangeRequestStatus,
    Company,
    CompanyRole,
    Document,
)
from inaproc.vendors.review import ReviewConflict

# A request this browser withdrew: the form starts from its data.
WITHDRAWN_SESSION_KEY = "inaproc_change_withdrawn"


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(CompanyRole.ADMIN)
def change_request_view(request: PortalRequest) -> HttpResponse:
    company = request.company_member.company
    pending = pending_change_request(company=company)
    withdraw = request.method == "POST" and request.POST.get("action") == "withdraw"
    if withdraw:
        return _withdraw(request, pending)
    if pending is not None:
        status = 409 if request.method == "POST" else 200
        if status == 409:
            messages.error(request, _already_pending_message())
        return _pending_page(request, pending, status=status)
    return _form_page(request, company)


def _here(request: PortalRequest) -> HttpResponse:
    return HttpResponseRedirect(portal_url(request.portal, "vendors:change_request"))


def _already_pending_message() -> str:
    return _(
        "A change request is already waiting for the verifiers; nothing new was sent. "
        "Withdraw it first to send a different one."
    )


def _withdraw(request: PortalRequest, pending: ChangeRequest | None) -> HttpResponse:
    if pending is None:
        messages.info(request, _("No change request is waiting; there is nothing to withdraw."))
        return _here(request)
    try:
        change_request_withdraw(
            change_id=pending.pk,
            portal=request.portal,
            user=request.user,
            context=audit_context(request),
        )
    except ReviewConflict:
        messages.error(request, _("The verifiers decided on this request before it was withdrawn."))
        return HttpResponseRedirect(portal_url(request.portal, "vendors:company"))
    # The form below starts from what was withdrawn, so that correcting it is not typing
    # it all again (files are chosen again).
    request.session[WITHDRAWN_SESSION_KEY] = pending.pk
    messages.success(
        request,
        _(
            "The change request was withdrawn; the company's data stay as they are. The "
            "form below holds the withdrawn data to correct and send again; choose the "
            "files again."
        ),
    )
    return _here(request)


def _initial(request: PortalRequest, company: Company) -> dict:
    """The approved data, with the data of a request this browser just withdrawn."""
    initial = company_critical_values(company)
    withdrawn_id = request.session.pop(WITHDRAWN_SESSION_KEY, None)
    withdrawn = (
        ChangeRequest.objects.filter(
            pk=withdrawn_id, company=company, status=ChangeRequestStatus.WITHDRAWN
        ).first()
        if isinstance(withdrawn_id, int)
        else None
    )
    if withdrawn is not None and isinstance(withdrawn.proposed, dict):
        initial.update({k: v for k, v in withdrawn.proposed.items() if k in initial})
    return initial


def _pending_page(request: PortalRequest, pending: ChangeRequest, *, status: int) -> HttpResponse:
    context = {
        "company": request.company_member.company,
        "change_request": pending,
        "rows": [row for row in change_rows(change_request=pending) if row.changed],
        "document_groups": [
            group for group in change_document_groups(change_request=pending) if group.touched
        ],
    }
    return render(request, "vendors/change_pending.html", context, status=status)


def _form_page(request: PortalRequest, company: Company) -> HttpResponse:
    documents = company_documents(company=company)
    key = form_key(request)
    held = held_for_submit(request, key) if request.method == "POST" else []
    options = {"current_kinds": {d.kind for d in documents}, "held_kinds": {h.kind for h in held}}
    if request.method == "GET":
        form = CriticalDataForm(initial=_initial(request, company))
        documents_form = ChangeDocumentsForm(**options)
    else:
        form = CriticalDataForm(request.POST)
        documents_form = ChangeDocumentsForm(request.POST, request.FILES, **options)
        if _submit(request, company, key, form, documents_form, documents, held):
            messages.success(request, _submitted_message())
            return _here(request)
        held = held_uploads(portal=request.portal, key=key)
    context = {
        "company": company,
        "form": form,
        "documents_form": documents_form,
        "valid_until_field": documents_form[LICENCE_VALID_UNTIL_FIELD],
        "slots": document_slots(
            documents_form=documents_form,
            documents=documents,
            held=held,
            legal_form=company.legal_form,
        ),
        "form_key": key,
        "form_key_field": FORM_KEY_FIELD,
        "removing": ticked_ids(request.POST, REMOVE_DOCUMENT_FIELD),
    }
    return render(request, "vendors/change_request.html", context)


def _submit(
    request: PortalRequest,
    company: Company,
    key: str,
    form: CriticalDataForm,
    documents_form: ChangeDocumentsForm,
    documents: list[Document],
    held,
) -> bool:
    """Validate and send the request; False (errors on the forms, valid uploads held)
    when anything is wrong or nothing changed."""
    submission = documents_submission(
        request, key, form, documents_form, documents=documents, held=held
    )
    if submission is None:
        return False
    try:
        change_request_submit(
            company_id=company.pk,
            portal=request.portal,
            user=request.user,
            data=form.critical_data(),
            uploads=submission.uploads,
            held=held,
            valid_until=documents_form.valid_until(),
            remove_document_ids=submission.remove_document_ids,
            message=form.cleaned_data["message"],
            context=audit_context(request),
        )
    except NothingChanged:
        form.add_error(None, _nothing_changed_message())
        return False
    except ChangePending:
        form.add_error(None, _already_pending_message())
        return False
    except ValidationError as error:
        hold_valid_uploads(request, key, documents_form)
        service_errors_place(error, form, documents_form)
        return False
    return True


def _nothing_changed_message() -> str:
    return _(
        "Nothing was changed: the data and documents are the approved ones. Change a field, "
        "add a file or tick a file to remove, then send the request."
    )


def _submitted_message() -> str:
    return _(
        "Your change request was sent to the verifiers. Until they approve it, the approved "
        "data stay in force; you will receive their decision by email."
    )
