"""What a registering vendor sees before the account is active: the registration's status
(after a correct password at login, or right after registering), the way to correct a
mistyped email address while it is unconfirmed, and the way to correct and resubmit the
registration when the verifiers ask for changes."""

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from inaproc.accounts.models import Role, User
from inaproc.core.http import audit_context, retry_later
from inaproc.core.text import email_mask
from inaproc.files.forms import ticked_ids
from inaproc.files.held import (
    FORM_KEY_FIELD,
    form_key,
    held_for_submit,
    hold_valid_uploads,
)
from inaproc.files.models import HeldUpload
from inaproc.files.selectors import held_uploads
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.companies.access import (
    registration_email_shown,
    registration_from_grant,
    registration_grant,
    registration_grant_end,
    registration_grant_typed_email,
)
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.companies.forms.company import (
    LICENCE_VALID_UNTIL_FIELD,
    input_name,
    service_errors_place,
)
from inaproc.vendors.companies.forms.documents import (
    REMOVE_DOCUMENT_FIELD,
    ResubmitDocumentsForm,
)
from inaproc.vendors.companies.selectors.company import (
    company_documents,
    correctable_labels,
    note_labels,
    registration_history_rows,
)
from inaproc.vendors.companies.views.slots import document_slots, documents_submission
from inaproc.vendors.models import Document, Registration, RegistrationStatus
from inaproc.vendors.registrations.forms.email import EmailCorrectionForm
from inaproc.vendors.registrations.forms.resubmit import ResubmitForm
from inaproc.vendors.registrations.selectors import latest_change_request
from inaproc.vendors.registrations.services.confirmation import (
    EmailNotCorrectable,
    confirmation_hours,
    registration_email_correct,
)
from inaproc.vendors.registrations.services.registration import (
    RegistrationNotEditable,
    registration_resubmit,
)
from inaproc.vendors.registrations.views.messages import wait_message


def inactive_login_response(request: PortalRequest, user: User) -> HttpResponse | None:
    """A vendor whose registration is not approved proved the password: show the
    registration's status page (and nothing else) instead of the one login message."""
    if user.role != Role.VENDOR:
        return None
    registration = (
        Registration.objects.filter(applicant=user, portal=request.portal)
        .exclude(status=RegistrationStatus.APPROVED)
        .first()
    )
    if registration is None:
        return None
    registration_grant(request, registration)
    return HttpResponseRedirect(portal_url(request.portal, "vendors:status"))


# --- The status page ---------------------------------------------------------------------


def _to_login(request: PortalRequest) -> HttpResponse:
    messages.info(
        request,
        _("Log in with your username and password to see the status of your registration."),
    )
    return HttpResponseRedirect(portal_url(request.portal, "accounts:login"))


def _status_context(
    request: PortalRequest,
    registration: Registration,
    *,
    email_form: EmailCorrectionForm | None = None,
    wait: int = 0,
) -> dict[str, Any]:
    change_request = None
    if registration.status == RegistrationStatus.CHANGES_REQUESTED:
        change_request = latest_change_request(registration=registration)
    if email_form is None and registration.status == RegistrationStatus.EMAIL_UNCONFIRMED:
        email_form = EmailCorrectionForm(current_email=registration.applicant.email)
    shown = registration_email_shown(request, registration)
    return {
        "registration": registration,
        "company": registration.company,
        "masked_email": shown or email_mask(registration.applicant.email),
        "email_form": email_form,
        "wait_message": wait_message(wait) if wait else "",
        "confirmation_hours": confirmation_hours(),
        "change_request": change_request,
        "change_notes": note_labels(change_request.notes) if change_request else [],
        "history": registration_history_rows(registration=registration),
    }


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def status_view(request: PortalRequest) -> HttpResponse:
    """GET: the registration's status, for the browser holding the grant. POST ("Done"):
    end the grant and leave for the portal's home page."""
    if request.method == "POST":
        registration_grant_end(request)
        messages.info(request, _("Log in again to see the status of your registration later."))
        return HttpResponseRedirect(request.portal.get_absolute_url())
    registration = registration_from_grant(request)
    if registration is None:
        return _to_login(request)
    return render(request, "vendors/status.html", _status_context(request, registration))


@require_POST
@never_cache
@portal_required
def email_correct_view(request: PortalRequest) -> HttpResponse:
    """A mistyped address replaced while it is unconfirmed, by the browser holding the
    grant (a correct password, or the registration just sent): a new link goes to the new
    address within the resend limit, and this browser sees the address it typed."""
    registration = registration_from_grant(request)
    if registration is None:
        return _to_login(request)
    if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
        return _back_to_status(request, _confirmed_already_message())
    form = EmailCorrectionForm(request.POST, current_email=registration.applicant.email)
    wait = 0
    if form.is_valid():
        new_email = form.cleaned_data["email"]
        try:
            wait = registration_email_correct(
                registration_id=registration.pk,
                portal=request.portal,
                new_email=new_email,
                context=audit_context(request),
            )
        except EmailNotCorrectable:
            return _back_to_status(request, _confirmed_already_message())
        except ValidationError as error:
            form.add_error("email", error.message_dict.get("email", error.messages))
        else:
            if not wait:
                registration_grant_typed_email(request, new_email)
                messages.success(request, _corrected_message(new_email))
                return HttpResponseRedirect(portal_url(request.portal, "vendors:status"))
    registration.refresh_from_db()
    context = _status_context(request, registration, email_form=form, wait=wait)
    return retry_later(render(request, "vendors/status.html", context), wait)


def _confirmed_already_message() -> str:
    return _(
        "The email address is already confirmed, so it can no longer be corrected here. "
        "Once the registration is approved, the company's administrator can change it on "
        "the company's contact page."
    )


def _corrected_message(email: str) -> str:
    return _(
        "The email address is now %(email)s. A new confirmation link is on its way there; "
        "the link sent before no longer works."
    ) % {"email": email}


# --- Correcting and resubmitting ---------------------------------------------------------


def _back_to_status(request: PortalRequest, message: str) -> HttpResponse:
    messages.info(request, message)
    return HttpResponseRedirect(portal_url(request.portal, "vendors:status"))


def _not_editable_message() -> str:
    return _(
        "Your registration can be corrected only while the verifiers are asking for "
        "changes. Its current status is shown below."
    )


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def resubmit_view(request: PortalRequest) -> HttpResponse:
    """The company's data and documents, to correct and send back to the verifiers; only
    while they ask for changes. Files that passed their checks survive a failed submit."""
    registration = registration_from_grant(request)
    if registration is None:
        return _to_login(request)
    if registration.status != RegistrationStatus.CHANGES_REQUESTED:
        return _back_to_status(request, _not_editable_message())
    company = registration.company
    documents = company_documents(company=company)
    change_request = latest_change_request(registration=registration)
    notes = (
        change_request.notes if change_request and isinstance(change_request.notes, dict) else {}
    )
    key = form_key(request)
    held = held_for_submit(request, key) if request.method == "POST" else []
    documents_options = {
        "notes": notes,
        "current_kinds": {d.kind for d in documents},
        "held_kinds": {h.kind for h in held},
    }
    if request.method == "GET":
        form = ResubmitForm(initial=asdict(CompanyData.from_company(company)), notes=notes)
        documents_form = ResubmitDocumentsForm(**documents_options)
    else:
        form = ResubmitForm(request.POST, notes=notes)
        documents_form = ResubmitDocumentsForm(request.POST, request.FILES, **documents_options)
        try:
            if _resubmit(request, registration, key, form, documents_form, documents, held):
                messages.success(request, _resubmitted_message())
                return HttpResponseRedirect(portal_url(request.portal, "vendors:status"))
        except RegistrationNotEditable:
            return _back_to_status(request, _not_editable_message())
    context = {
        "registration": registration,
        "company": company,
        "form": form,
        "documents_form": documents_form,
        "valid_until_field": documents_form[LICENCE_VALID_UNTIL_FIELD],
        "change_request": change_request,
        "change_notes": _note_links(notes),
        "slots": document_slots(
            documents_form=documents_form,
            documents=documents,
            held=held_uploads(portal=request.portal, key=key) if request.method == "POST" else [],
            notes=notes,
            legal_form=company.legal_form,
        ),
        "form_key": key,
        "form_key_field": FORM_KEY_FIELD,
        "remove_document_field": REMOVE_DOCUMENT_FIELD,
        "removing": ticked_ids(request.POST, REMOVE_DOCUMENT_FIELD),
    }
    return render(request, "vendors/resubmit.html", context)


def _resubmit(
    request: PortalRequest,
    registration: Registration,
    key: str,
    form: ResubmitForm,
    documents_form: ResubmitDocumentsForm,
    documents: list[Document],
    held: list[HeldUpload],
) -> bool:
    """Validate and resubmit; False (with the errors on the forms and the valid uploads
    held) if anything is wrong. Raises RegistrationNotEditable."""
    submission = documents_submission(
        request, key, form, documents_form, documents=documents, held=held
    )
    if submission is None:
        return False
    try:
        registration_resubmit(
            registration_id=registration.pk,
            portal=request.portal,
            company=form.company_data(email=registration.company.email),
            uploads=submission.uploads,
            held=held,
            valid_until=documents_form.valid_until(),
            remove_document_ids=submission.remove_document_ids,
            context=audit_context(request),
        )
    except ValidationError as error:
        hold_valid_uploads(request, key, documents_form)
        service_errors_place(error, form, documents_form)
        return False
    return True


def _resubmitted_message() -> str:
    return _("Your corrections were sent. The verifiers will review your registration again.")


def _note_links(notes: dict) -> list[tuple[str, str, str]]:
    """[(label, note, id of the input it is about)], in form order, for the list of notes
    at the top of the form."""
    return [
        (label, notes[key], f"id_{input_name(key)}")
        for key, label in correctable_labels().items()
        if isinstance(notes.get(key), str)
    ]
