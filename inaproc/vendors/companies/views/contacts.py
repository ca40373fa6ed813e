"""The company's contact data: phone and address (saved at once), the email address (a
link to the new address confirms it), and that link's pages."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import second_factor_fresh_required
from inaproc.core.http import audit_context, retry_later
from inaproc.core.timefmt import wait_minutes
from inaproc.core.tokens import link_token_kept
from inaproc.portals.decorators import portal_required
from inaproc.portals.links import emailed_link_view
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.companies.access import CompanyRequest, company_role_required
from inaproc.vendors.companies.forms.contacts import CompanyEmailForm, ContactForm
from inaproc.vendors.companies.services.contacts import (
    EmailChangeState,
    account_email_from_company,
    company_contact_update,
    company_email_change_cancel,
    company_email_change_confirm,
    company_email_change_request,
    email_change_hours,
    email_change_state,
    open_email_change,
)
from inaproc.vendors.models import CompanyRole

# The confirmation link's token, moved from the URL into the session (as the registration's
# confirmation does), so that it is in no address bar, history or Referer.
EMAIL_TOKEN_SESSION_KEY = "inaproc_company_email_token"  # noqa: S105 (a key name)


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(CompanyRole.ADMIN)
def contact_view(request: HttpRequest) -> HttpResponse:
    company = request.company_member.company
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            changed = company_contact_update(
                company_id=company.pk,
                portal=request.portal,
                user=request.user,
                values=form.contact_values(),
                context=audit_context(request),
            )
            messages.success(
                request,
                _("The contact data were saved.") if changed else _("Nothing was changed."),
            )
            return HttpResponseRedirect(portal_url(request.portal, "vendors:company"))
    else:
        form = ContactForm(
            initial={name: getattr(company, name) for name in ContactForm.base_fields}
        )
    context = {"company": company, "form": form, "email_change": open_email_change(company=company)}
    return render(request, "vendors/contact.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(CompanyRole.ADMIN)
@second_factor_fresh_required
def email_change_view(request: HttpRequest) -> HttpResponse:
    """A new company email address: a link goes to it (48 hours, once) and a notice to
    the current address. POST `action=cancel` takes back a change still waiting."""
    company = request.company_member.company
    back = HttpResponseRedirect(portal_url(request.portal, "vendors:company_contact"))
    if request.method == "POST" and request.POST.get("action") == "cancel":
        company_email_change_cancel(
            company_id=company.pk,
            portal=request.portal,
            user=request.user,
            context=audit_context(request),
        )
        messages.info(request, _("The change of the email address was cancelled."))
        return back
    form = CompanyEmailForm(request.POST or None, current_email=company.email)
    wait = 0
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["email"]
        wait = company_email_change_request(
            company_id=company.pk,
            portal=request.portal,
            user=request.user,
            new_email=new_email,
            context=audit_context(request),
        )
        if not wait:
            messages.success(request, _sent_message(new_email))
            return back
    context = {
        "company": company,
        "form": form,
        "email_change": open_email_change(company=company),
        "valid_hours": email_change_hours(),
        "wait_message": _wait_message(wait) if wait else "",
    }
    return retry_later(render(request, "vendors/email_change.html", context), wait)


def _sent_message(new_email: str) -> str:
    return _(
        "A confirmation link is on its way to %(email)s. The company's email changes when "
        "the link is used. The current address was told of the change."
    ) % {"email": new_email}


def _wait_message(seconds: int) -> str:
    minutes = wait_minutes(seconds)
    return ngettext(
        "Several links were sent in the last hour. Wait %(minutes)d minute before asking "
        "for another one.",
        "Several links were sent in the last hour. Wait %(minutes)d minutes before asking "
        "for another one.",
        minutes,
    ) % {"minutes": minutes}


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(CompanyRole.ADMIN)
@second_factor_fresh_required
def account_email_view(request: CompanyRequest) -> HttpResponse:
    """Where the administrator's own password resets go (the account's address, not the
    company's), and, on POST, that address replaced by the company's (proven) one."""
    company = request.company_member.company
    if request.method == "POST":
        changed = account_email_from_company(
            company_id=company.pk,
            portal=request.portal,
            user=request.company_member.user,
            context=audit_context(request),
        )
        messages.success(
            request,
            _(
                "Your account now uses %(email)s: password reset links and sign-in codes "
                "go there. Your previous address was told."
            )
            % {"email": company.email}
            if changed
            else _("Nothing was changed."),
        )
        return HttpResponseRedirect(portal_url(request.portal, "vendors:company_contact"))
    return render(request, "vendors/account_email.html", {"company": company})


email_confirm_link_view = emailed_link_view(
    session_key=EMAIL_TOKEN_SESSION_KEY, then="vendors:company_email_confirm_submit"
)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def email_confirm_view(request: HttpRequest) -> HttpResponse:
    token = link_token_kept(request, EMAIL_TOKEN_SESSION_KEY)
    if request.method == "POST":
        state, change = company_email_change_confirm(
            portal=request.portal, token=token, context=audit_context(request)
        )
        if state == EmailChangeState.CONFIRMED:
            request.session.pop(EMAIL_TOKEN_SESSION_KEY, None)
    else:
        state, change = email_change_state(portal=request.portal, token=token)
    context = {"state": state, "change": change if state != EmailChangeState.INVALID else None}
    return render(request, "vendors/email_confirm.html", context)
