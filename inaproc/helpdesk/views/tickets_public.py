"""The public side of the helpdesk: the contact page, opening a ticket, and following it
through the private link or, signed in, from one's list of tickets."""

from dataclasses import fields

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from inaproc.accounts.captcha import captcha_refresh_requested, posted_values
from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.flows.human_proof import (
    CodeRequest,
    email_code_request,
    email_code_requested,
    proof_by_code_posted,
)
from inaproc.core.http import audit_context, client_ip, retry_later
from inaproc.core.pagecache import public_page
from inaproc.core.text import email_mask
from inaproc.core.timefmt import wait_minutes
from inaproc.files.held import (
    errors_shown,
    form_key,
    held_for_submit,
    hold_uploads,
    hold_valid_uploads,
    posted_uploads,
)
from inaproc.files.selectors import held_uploads
from inaproc.helpdesk.access import (
    TICKET_SESSION_KEY,
    access_ticket_of_requester,
    ticket_link_expired,
    ticket_link_remember,
    ticket_of_link,
)
from inaproc.helpdesk.forms.tickets import MAX_ATTACHMENTS, RequesterReplyForm, TicketForm
from inaproc.helpdesk.models import Ticket
from inaproc.helpdesk.selectors.tickets import (
    ticket_create_wait,
    ticket_messages,
    ticket_opening_attachments,
    ticket_reply_wait,
    tickets_of_requester,
)
from inaproc.helpdesk.services.tickets import (
    TicketData,
    ticket_create,
    ticket_link_renew,
    ticket_requester_reply,
)
from inaproc.portals.decorators import portal_required
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.companies.selectors.company import company_for_user
from inaproc.vendors.companies.selectors.members import account_email_confirmed

# What the "sent" page shows: the number of the ticket this browser just opened.
SENT_SESSION_KEY = "inaproc_helpdesk_ticket_sent"
PAGE_SIZE = 25


@require_safe
@portal_required
@public_page
def contact_view(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/contact.html")


# ---------------------------------------------------------------------------
# Opening a ticket
# ---------------------------------------------------------------------------


def _initial(request: HttpRequest) -> dict:
    """A signed-in user's email, name and NPWP (their company's, else a username that
    is one), so they need not type them."""
    user = request.user
    if not user.is_authenticated:
        return {}
    company = company_for_user(user=user)
    npwp = company.npwp if company else ""
    if not npwp and user.username.isdigit() and len(user.username) == 16:
        npwp = user.username
    return {"email": user.email, "name": user.full_name, "npwp": npwp}


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def ticket_new_view(request: PortalRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    key = form_key(request)
    if request.method == "GET":
        form = TicketForm(initial=_initial(request), portal=request.portal, signed_in=signed_in)
        return _new_page(request, form, key)
    held = held_for_submit(request, key)
    form = TicketForm(
        request.POST,
        request.FILES,
        portal=request.portal,
        signed_in=signed_in,
        held_count=len(held),
        proof_by_code=proof_by_code_posted(request),
    )
    if captcha_refresh_requested(request):  # "show another image", without JavaScript
        return _new_again(request, form, key)
    if email_code_requested(request) and not signed_in:  # a code instead of the image
        return _new_again(request, form, key, code=True)
    if not (form.is_valid() and form.proof_consume()):
        hold_valid_uploads(request, key, form)  # whatever the CAPTCHA said
        return _new_page(request, form, key)
    wait = ticket_create_wait(
        portal=request.portal, email=form.cleaned_data["email"], ip_address=client_ip(request)
    )
    if wait:
        form.add_error(None, _wait_message(wait))
        hold_valid_uploads(request, key, form)
        return retry_later(_new_page(request, form, key), wait)
    ticket = ticket_create(
        portal=request.portal,
        data=TicketData(**{f.name: form.cleaned_data[f.name] for f in fields(TicketData)}),
        requester=request.user if signed_in else None,
        uploads=form.checked_uploads(),
        held=held,
        context=audit_context(request),
    )
    request.session[SENT_SESSION_KEY] = {"portal": request.portal.pk, "number": ticket.number}
    return HttpResponseRedirect(portal_url(request.portal, "helpdesk_public:ticket_sent"))


def _new_again(
    request: PortalRequest, posted: TicketForm, key: str, *, code: bool = False
) -> HttpResponse:
    """The form shown again, unchecked, with what was typed and the files (those chosen
    now are held, within the address's limit): with a new image, or (`code`) asking for
    the code just emailed to the address typed."""
    uploads, problems = posted_uploads(posted)
    problems.update(hold_uploads(request, key, posted, uploads))
    asked = email_code_request(request, posted, purpose="ticket") if code else CodeRequest()
    problems.update(asked.errors)
    form = TicketForm(
        initial=posted_values(posted),
        portal=request.portal,
        signed_in=request.user.is_authenticated,
        proof_by_code=bool(asked.sent_to) or (code and posted.proof_by_code),
    )
    form.code_asked(asked.sent_to)
    errors_shown(form, problems)
    return retry_later(_new_page(request, form, key), asked.retry_after)


def _new_page(request: PortalRequest, form: TicketForm, key: str) -> HttpResponse:
    if form.is_bound and form.files_lost():
        form.add_error(None, _("Your files were not kept. Choose them again before you send."))
    held = held_uploads(portal=request.portal, key=key) if request.method == "POST" else []
    context = {"form": form, "max_files": MAX_ATTACHMENTS, "form_key": key, "held": held}
    return render(request, "helpdesk/ticket_new.html", context)


def _reply_wait_message(seconds: int) -> str:
    minutes = wait_minutes(seconds)
    return ngettext(
        "You have answered on this ticket many times in the last hour. Wait %(minutes)d "
        "minute, or call the helpdesk.",
        "You have answered on this ticket many times in the last hour. Wait %(minutes)d "
        "minutes, or call the helpdesk.",
        minutes,
    ) % {"minutes": minutes}


def _wait_message(seconds: int) -> str:
    minutes = wait_minutes(seconds)
    return ngettext(
        "Several tickets were opened for this address or from your network in the last "
        "hour. Wait %(minutes)d minute, or answer on a ticket you already have.",
        "Several tickets were opened for this address or from your network in the last "
        "hour. Wait %(minutes)d minutes, or answer on a ticket you already have.",
        minutes,
    ) % {"minutes": minutes}


@require_safe
@never_cache
@portal_required
def ticket_sent_view(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SENT_SESSION_KEY)
    ticket = None
    if isinstance(sent, dict) and sent.get("portal") == request.portal.pk:
        ticket = Ticket.objects.filter(portal=request.portal, number=sent.get("number")).first()
    if ticket is None:
        return HttpResponseRedirect(portal_url(request.portal, "helpdesk_public:ticket_new"))
    user = request.user
    context = {
        "ticket": ticket,
        "masked_email": email_mask(ticket.email),
        "own": user.is_authenticated and ticket.requester_id == user.pk,
    }
    return render(request, "helpdesk/ticket_sent.html", context)


# ---------------------------------------------------------------------------
# Following a ticket: the private link, or one's own tickets when signed in
# ---------------------------------------------------------------------------


@require_safe
@never_cache
@portal_required
def ticket_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: its token moves into the session and the browser goes on
    to a page without it in the address (history, Referer)."""
    if not request.user.is_authenticated:
        request.session.cycle_key()  # a session key planted before does not ride along
    ticket_link_remember(request, token)
    return HttpResponseRedirect(portal_url(request.portal, "helpdesk_public:ticket_by_link"))


@require_http_methods(["GET", "POST"])
@never_cache
@portal_required
def ticket_by_link_view(request: HttpRequest) -> HttpResponse:
    ticket = ticket_of_link(request)
    if ticket is None:
        return render(request, "helpdesk/ticket_link_invalid.html", status=404)
    if ticket_link_expired(ticket):
        return _expired_link(request, ticket)
    here = portal_url(request.portal, "helpdesk_public:ticket_by_link")
    return _requester_ticket(request, ticket, here=here)


def _expired_link(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """An expired link: say so kindly and offer a new one, mailed to the ticket's address
    (POST). The new link replaces the old, so this works once per expired link."""
    if request.method == "POST" and request.POST.get("action") == "renew":
        ticket_link_renew(ticket=ticket)
        request.session.pop(TICKET_SESSION_KEY, None)
        context = {"email": email_mask(ticket.email)}
        return render(request, "helpdesk/ticket_link_renewed.html", context)
    context = {"days": settings.HELPDESK_TICKET_LINK_DAYS, "email": email_mask(ticket.email)}
    return render(request, "helpdesk/ticket_link_expired.html", context, status=410)


@require_safe
@never_cache
@portal_login_required
def my_tickets_view(request: PortalRequest) -> HttpResponse:
    tickets = tickets_of_requester(portal=request.portal, user=request.user)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "email_linked": account_email_confirmed(portal=request.portal, user=request.user),
    }
    return render(request, "helpdesk/my_tickets.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_login_required
def my_ticket_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = access_ticket_of_requester(portal=request.portal, user=request.user, number=number)
    here = portal_url(request.portal, "helpdesk_public:my_ticket", number=ticket.number)
    return _requester_ticket(request, ticket, here=here)


def _requester_ticket(request: HttpRequest, ticket: Ticket, *, here: str) -> HttpResponse:
    if request.method == "GET":
        return _requester_page(request, ticket, RequesterReplyForm())
    form = RequesterReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _requester_page(request, ticket, form)
    wait = ticket_reply_wait(ticket=ticket)
    if wait:
        form.add_error(None, _reply_wait_message(wait))
        return retry_later(_requester_page(request, ticket, form), wait)
    user = request.user
    try:
        ticket_requester_reply(
            ticket=ticket,
            body=form.cleaned_data["body"],
            author=user if user.is_authenticated and user.pk == ticket.requester_id else None,
            uploads=form.checked_uploads(),
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _requester_page(request, ticket, form)
    messages.success(
        request,
        _("Your answer was added to %(reference)s. The helpdesk answers here and by email.")
        % {"reference": ticket.reference},
    )
    return HttpResponseRedirect(here)


def _requester_page(request: HttpRequest, ticket: Ticket, form: RequesterReplyForm) -> HttpResponse:
    if form.is_bound and form.files_lost():
        form.add_error(None, _("Your files were not kept. Choose them again before you send."))
    context = {
        "ticket": ticket,
        "history": ticket_messages(ticket=ticket),
        "opening_attachments": ticket_opening_attachments(ticket=ticket),
        "form": form,
        "max_files": MAX_ATTACHMENTS,
    }
    return render(request, "helpdesk/ticket_requester.html", context)
