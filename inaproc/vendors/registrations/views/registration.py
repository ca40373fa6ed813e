"""The public registration pages: the form, "check your email", sending the link again,
the confirmation link, the KBLI search and the privacy notice."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inaproc.accounts.captcha import captcha_refresh_requested, posted_values
from inaproc.accounts.flows.human_proof import (
    CodeRequest,
    email_code_request,
    email_code_requested,
    proof_by_code_posted,
)
from inaproc.core.http import audit_context, retry_later
from inaproc.core.text import email_mask
from inaproc.core.tokens import link_token_kept
from inaproc.files.checks import document_max_bytes
from inaproc.files.held import (
    errors_shown,
    form_key,
    held_for_submit,
    hold_uploads,
    hold_valid_uploads,
    posted_uploads,
)
from inaproc.files.models import HeldUpload
from inaproc.files.selectors import held_uploads
from inaproc.files.services import CheckedUpload, held_uploads_remove
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.portals.links import emailed_link_view
from inaproc.portals.urls_helpers import portal_url
from inaproc.reference.selectors import kbli_is_loaded, kbli_search
from inaproc.vendors.companies.access import (
    registration_email_shown,
    registration_from_grant,
    registration_grant,
)
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.companies.forms.company import LICENCE_VALID_UNTIL_FIELD
from inaproc.vendors.companies.views.slots import document_slots
from inaproc.vendors.documents import MULTIPLE_ALLOWED
from inaproc.vendors.models import Registration, RegistrationStatus
from inaproc.vendors.registrations.forms.registration import RegistrationForm
from inaproc.vendors.registrations.selectors import registration_for_form_key
from inaproc.vendors.registrations.services.confirmation import (
    ConfirmOutcome,
    confirmation_hours,
    confirmation_resend,
    confirmation_state,
    registration_confirm_email,
)
from inaproc.vendors.registrations.services.registration import registration_create
from inaproc.vendors.registrations.views.messages import wait_message

# The confirmation link's token, moved from the URL into the session (as Django's password
# reset does), so that it is in no address bar, history or Referer.
CONFIRM_TOKEN_SESSION_KEY = "inaproc_registration_confirm_token"  # noqa: S105 (a key name)
KBLI_RESULTS = 20
# Where "send the link again" returns to: the "check your email" page, or the status page.
RETURN_TO = {"registered": "vendors:registered", "status": "vendors:status"}

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# The registration form
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("password", "password_again")
@portal_required
def register_view(request: PortalRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(portal_url(request.portal, "accounts:dashboard"))
    key = form_key(request)
    if request.method == "GET":
        return _register_page(request, RegistrationForm(portal=request.portal), key)
    if captcha_refresh_requested(request):  # "show another image", without JavaScript
        return _register_again(request, key)
    if email_code_requested(request):  # a code emailed instead of the image
        return _register_again(request, key, code=True)
    return _register_submit(request, key)


def _register_again(request: PortalRequest, key: str, *, code: bool = False) -> HttpResponse:
    """The form shown again, unchecked, with what was typed and the files: those held,
    and those chosen in this request (held now, within the address's limit); with a new
    image, or (`code`) asking for the code just emailed to the address typed."""
    by_code = proof_by_code_posted(request)
    posted = RegistrationForm(
        request.POST, request.FILES, portal=request.portal, proof_by_code=by_code
    )
    uploads, problems = posted_uploads(posted)
    _without_replaced(request, key, held_for_submit(request, key), uploads)
    problems.update(hold_uploads(request, key, posted, uploads))
    asked = email_code_request(request, posted, purpose="registration") if code else CodeRequest()
    problems.update(asked.errors)
    form = RegistrationForm(
        initial=posted_values(posted),
        portal=request.portal,
        proof_by_code=bool(asked.sent_to) or (code and by_code),
    )
    form.code_asked(asked.sent_to)
    errors_shown(form, problems)
    return retry_later(_register_page(request, form, key), asked.retry_after)


def _register_submit(request: PortalRequest, key: str) -> HttpResponse:
    earlier = registration_for_form_key(portal=request.portal, key=key)
    if earlier is not None:  # the same form sent twice: its first answer again
        return _registered_redirect(request, earlier, request.POST.get("email", ""))
    held = held_for_submit(request, key)
    form = RegistrationForm(
        request.POST,
        request.FILES,
        portal=request.portal,
        held_kinds={h.kind for h in held},
        proof_by_code=proof_by_code_posted(request),
    )
    valid = form.is_valid()
    held = _without_replaced(request, key, held, form.valid_uploads())
    if valid and form.proof_consume():
        try:
            result = registration_create(
                portal=request.portal,
                company=CompanyData.from_mapping(form.cleaned_data),
                username=form.account_username,
                password=form.cleaned_data["password"],
                uploads=form.checked_uploads(),
                held=held,
                form_key=key,
                valid_until=form.valid_until(),
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _registered_redirect(request, result.registration, form.cleaned_data["email"])
    # Kept whatever the CAPTCHA said, within what one address may park (files.selectors).
    hold_valid_uploads(request, key, form)
    return _register_page(request, form, key)


def _register_page(request: PortalRequest, form: RegistrationForm, key: str) -> HttpResponse:
    held = held_uploads(portal=request.portal, key=key) if request.method == "POST" else []
    context = {
        "form": form,
        "form_key": key,
        "document_rows": document_slots(documents_form=form, held=held),
        "valid_until_field": form[LICENCE_VALID_UNTIL_FIELD],
        "max_megabytes": f"{document_max_bytes() / (1024 * 1024):g}",
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "confirmation_hours": confirmation_hours(),
    }
    return render(request, "vendors/register.html", context)


def _without_replaced(
    request: PortalRequest, key: str, held: list[HeldUpload], uploads: list[CheckedUpload]
) -> list[HeldUpload]:
    """A new file of a one-file document type replaces the file held for it."""
    new_kinds = {item.kind for item in uploads if item.kind not in MULTIPLE_ALLOWED}
    replaced = {h.pk for h in held if h.kind in new_kinds}
    if replaced:
        held_uploads_remove(portal=request.portal, key=key, ids=replaced)
    return [h for h in held if h.pk not in replaced]


def _registered_redirect(
    request: PortalRequest, registration: Registration, typed_email: str
) -> HttpResponse:
    """To "check your email", which shows this browser the address it typed in full."""
    registration_grant(request, registration, typed_email=typed_email)
    return HttpResponseRedirect(portal_url(request.portal, "vendors:registered"))


# ---------------------------------------------------------------------------
# "Check your email" and sending the link again
# ---------------------------------------------------------------------------


@require_safe
@never_cache
@portal_required
def registered_view(request: PortalRequest) -> HttpResponse:
    return _registered_page(request, registration_from_grant(request))


def _registered_page(
    request: PortalRequest, registration: Registration | None, *, wait: int = 0
) -> HttpResponse:
    context = {"registration": registration, "wait_message": wait_message(wait) if wait else ""}
    if registration is not None:
        context.update(_link_context(registration))
        context["masked_email"] = _email_shown(request, registration)
    response = render(request, "vendors/registered.html", context)
    return retry_later(response, wait)


@require_POST
@never_cache
@portal_required
def resend_view(request: PortalRequest) -> HttpResponse:
    """Another confirmation link, for the applicant holding this browser's grant."""
    back = RETURN_TO.get(request.POST.get("return_to", ""), RETURN_TO["registered"])
    registration = registration_from_grant(request)
    if registration is None:
        return HttpResponseRedirect(portal_url(request.portal, "vendors:registered"))
    if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
        messages.info(request, _("The email address is already confirmed; nothing was sent."))
        return HttpResponseRedirect(portal_url(request.portal, "vendors:status"))
    wait = confirmation_resend(registration_id=registration.pk)
    if wait:
        return _registered_page(request, registration, wait=wait)
    messages.success(request, _sent_message(_email_shown(request, registration)))
    return HttpResponseRedirect(portal_url(request.portal, back))


# ---------------------------------------------------------------------------
# The confirmation link
# ---------------------------------------------------------------------------


confirm_link_view = emailed_link_view(
    session_key=CONFIRM_TOKEN_SESSION_KEY, then="vendors:confirm_submit"
)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def confirm_view(request: PortalRequest) -> HttpResponse:
    token = link_token_kept(request, CONFIRM_TOKEN_SESSION_KEY)
    if request.method == "POST" and request.POST.get("action") == "resend":
        return _confirm_resend(request, token)
    if request.method == "POST":
        outcome, registration = registration_confirm_email(
            portal=request.portal, token=token, context=audit_context(request)
        )
        return _confirm_page(request, _state(outcome, used=True), registration)
    outcome, registration = confirmation_state(portal=request.portal, token=token)
    return _confirm_page(request, _state(outcome), registration)


def _state(outcome: str, *, used: bool = False) -> str:
    """The page to show: `valid` (a button to confirm), `done` (just confirmed), else
    the outcome (`already_confirmed`, `expired`, `invalid`)."""
    if outcome == ConfirmOutcome.CONFIRMED:
        return "done" if used else "valid"
    return outcome


def _confirm_resend(request: PortalRequest, token: str) -> HttpResponse:
    """A new link for an expired one, sent to the registration's own address."""
    outcome, registration = confirmation_state(portal=request.portal, token=token)
    if outcome != ConfirmOutcome.EXPIRED:
        return _confirm_page(request, _state(outcome), registration)
    wait = confirmation_resend(registration_id=registration.pk)
    if wait:
        return _confirm_page(request, outcome, registration, wait=wait)
    request.session.pop(CONFIRM_TOKEN_SESSION_KEY, None)  # replaced by the new link
    registration.refresh_from_db()
    return _confirm_page(request, "resent", registration)


def _confirm_page(
    request: PortalRequest, state: str, registration: Registration | None, *, wait: int = 0
) -> HttpResponse:
    context = {
        "state": state,
        "registration": registration if state != ConfirmOutcome.INVALID else None,
        "wait_message": wait_message(wait) if wait else "",
    }
    if registration is not None and state != ConfirmOutcome.INVALID:
        context.update(_link_context(registration))
    response = render(request, "vendors/confirm.html", context)
    return retry_later(response, wait)


# ---------------------------------------------------------------------------
# Helpers of the email pages
# ---------------------------------------------------------------------------


def _link_context(registration: Registration) -> dict:
    hours = confirmation_hours()
    sent_at = registration.confirmation_sent_at
    return {
        "masked_email": email_mask(registration.applicant.email),
        "confirmation_hours": hours,
        "link_expires_at": sent_at + timedelta(hours=hours) if sent_at else None,
    }


def _email_shown(request: PortalRequest, registration: Registration) -> str:
    """In full to the browser that typed it, else masked."""
    return registration_email_shown(request, registration) or email_mask(
        registration.applicant.email
    )


def _sent_message(email: str) -> str:
    return _("A new confirmation link is on its way to %(email)s. Only the newest link works.") % {
        "email": email
    }


# ---------------------------------------------------------------------------
# KBLI search and the privacy notice
# ---------------------------------------------------------------------------


@require_safe
@portal_required
def kbli_search_view(request: PortalRequest) -> HttpResponse:
    """Kelompok codes matching `q`: a page of its own (without JavaScript), or only the
    results (for the picker on the registration page) when asked with `HX-Request` or
    `?fragment=1`."""
    query = request.GET.get("q", "").strip()
    results = list(kbli_search(query=query, limit=KBLI_RESULTS)) if query else []
    fragment = request.headers.get("HX-Request") == "true" or request.GET.get("fragment") == "1"
    template = "vendors/kbli_search.html#results" if fragment else "vendors/kbli_search.html"
    context = {"query": query, "results": results, "limit": KBLI_RESULTS, "picker": fragment}
    if query and not results and not kbli_is_loaded():
        logger.warning("The KBLI table is empty: run `manage.py load_kbli`.")
        context["kbli_missing"] = True
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@portal_required
def privacy_view(request: PortalRequest) -> HttpResponse:
    context = {"login_retention_days": settings.LOGIN_ACTIVITY_RETENTION_DAYS}
    return render(request, "vendors/privacy.html", context)
