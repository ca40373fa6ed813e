"""The helpdesk's side of tickets: the queue, one ticket with its history, the answer
and status forms, and the accounts the ticket may be about with the tools for them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.decorators import portal_role_required
from inaproc.core.http import audit_context
from inaproc.helpdesk.access import STAFF_ROLES, access_portal_user, access_ticket_for_staff
from inaproc.helpdesk.forms.tickets import (
    MAX_ATTACHMENTS,
    AccountAction,
    AccountActionForm,
    QueueFilterForm,
    StaffReplyForm,
    StatusForm,
)
from inaproc.helpdesk.models import Ticket
from inaproc.helpdesk.selectors.tickets import (
    AccountCandidate,
    ticket_account_candidates,
    ticket_actions,
    ticket_messages,
    ticket_opening_attachments,
    ticket_queue,
)
from inaproc.helpdesk.services.account_tools import (
    ToolOutcome,
    ticket_account_unlock,
    ticket_confirmation_resend,
    ticket_password_reset_start,
)
from inaproc.helpdesk.services.tickets import ticket_staff_reply, ticket_status_change
from inaproc.portals.urls_helpers import portal_url

PAGE_SIZE = 25  # a page a person reads (was 50: twice the rows to render)
TOOLS = {
    AccountAction.UNLOCK: ticket_account_unlock,
    AccountAction.RESEND_CONFIRMATION: ticket_confirmation_resend,
    AccountAction.PASSWORD_RESET: ticket_password_reset_start,
}


@require_GET
@never_cache
@portal_role_required(*STAFF_ROLES)
def queue_view(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"status": "", "category": "", "q": ""}
    tickets = ticket_queue(
        portal=request.portal,
        status=filters["status"],
        category=filters["category"],
        query=filters["q"],
    )
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(filters.values())
    return render(
        request, "helpdesk/queue.html", {"form": form, "page": page, "filtered": filtered}
    )


@require_GET
@never_cache
@portal_role_required(*STAFF_ROLES)
def ticket_view(request: HttpRequest, number: int) -> HttpResponse:
    return _ticket_page(
        request, access_ticket_for_staff(portal=request.portal, user=request.user, number=number)
    )


@require_POST
@portal_role_required(*STAFF_ROLES)
def ticket_reply_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = access_ticket_for_staff(portal=request.portal, user=request.user, number=number)
    form = StaffReplyForm(request.POST, request.FILES, auto_id="reply-%s")
    if not form.is_valid():
        if form.files_lost():
            form.add_error(None, _("The files were not kept. Choose them again before you send."))
        return _ticket_page(request, ticket, reply_form=form)
    ticket_staff_reply(
        ticket=ticket,
        actor=request.user,
        body=form.cleaned_data["body"],
        status=form.cleaned_data["status"],
        uploads=form.checked_uploads(),
        context=audit_context(request),
    )
    messages.success(
        request,
        _("Your answer was added to %(reference)s and emailed to the requester.")
        % {"reference": ticket.reference},
    )
    return _back(ticket)


@require_POST
@portal_role_required(*STAFF_ROLES)
def ticket_status_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = access_ticket_for_staff(portal=request.portal, user=request.user, number=number)
    form = StatusForm(request.POST, auto_id="status-%s")
    if not form.is_valid():
        return _ticket_page(request, ticket, status_form=form)
    status = form.cleaned_data["status"]
    if ticket_status_change(
        ticket=ticket, actor=request.user, status=status, context=audit_context(request)
    ):
        ticket.refresh_from_db()
        messages.success(
            request,
            _("%(reference)s is now: %(status)s.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
        )
    else:
        messages.info(request, _("The ticket already had this status. Nothing was changed."))
    return _back(ticket)


@require_POST
@portal_role_required(*STAFF_ROLES)
def ticket_account_view(request: HttpRequest, number: int) -> HttpResponse:
    """One of the account tools, on an account the ticket is about."""
    ticket = access_ticket_for_staff(portal=request.portal, user=request.user, number=number)
    form = AccountActionForm(request.POST, actions=list(TOOLS))
    if not form.is_valid():
        return _ticket_page(request, ticket, account_form=form)
    account = access_portal_user(
        portal=request.portal, user=request.user, user_id=form.cleaned_data["user_id"]
    )
    if account.pk not in {c.user.pk for c in ticket_account_candidates(ticket=ticket)}:
        raise Http404
    action = form.cleaned_data["action"]
    outcome = TOOLS[action](
        ticket=ticket,
        user=account,
        actor=request.user,
        reason=form.cleaned_data["reason"],
        context=audit_context(request),
    )
    _tool_message(request, action, outcome, account.username)
    return _back(ticket, anchor="accounts")


def _tool_message(request: HttpRequest, action: str, outcome: str, username: str) -> None:
    done = {
        AccountAction.UNLOCK: _("The username %(username)s is unlocked; its holder can sign in."),
        AccountAction.RESEND_CONFIRMATION: _(
            "A new confirmation link is on its way to the address of %(username)s."
        ),
        AccountAction.PASSWORD_RESET: _(
            "A password reset link is on its way to the address of %(username)s."
        ),
    }
    not_applicable = {
        AccountAction.UNLOCK: _("The username %(username)s is not locked. Nothing was changed."),
        AccountAction.RESEND_CONFIRMATION: _(
            "%(username)s has no registration waiting for its email to be confirmed. "
            "Nothing was sent."
        ),
    }
    values = {"username": username}
    if outcome == ToolOutcome.DONE:
        messages.success(request, done[action] % values)
    elif outcome == ToolOutcome.TOO_MANY:
        messages.error(
            request,
            _(
                "%(username)s got several of these emails in the last hour. Nothing was sent: "
                "ask them to look in their spam folder, and try again later."
            )
            % values,
        )
    else:
        messages.error(request, not_applicable[action] % values)


def _back(ticket: Ticket, *, anchor: str = "") -> HttpResponseRedirect:
    url = portal_url(ticket.portal, "helpdesk:ticket", number=ticket.number)
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def _actions_for(candidate: AccountCandidate) -> list[str]:
    actions = []
    if candidate.locked_until:
        actions.append(AccountAction.UNLOCK)
    if candidate.confirmation_pending:
        actions.append(AccountAction.RESEND_CONFIRMATION)
    actions.append(AccountAction.PASSWORD_RESET)
    return actions


def _account_rows(ticket: Ticket, bound: AccountActionForm | None) -> tuple[list, bool]:
    """Each candidate account with its tool form (the bound one, if it had errors), and
    whether the bound form found its account (else its errors have nowhere to go)."""
    rows = []
    bound_id = bound.data.get("user_id") if bound is not None else None
    placed = False
    for candidate in ticket_account_candidates(ticket=ticket):
        actions = _actions_for(candidate)
        auto_id = f"account{candidate.user.pk}-%s"
        if bound_id == str(candidate.user.pk):
            form = AccountActionForm(bound.data, actions=actions, auto_id=auto_id)
            form.is_valid()
            placed = True
        else:
            initial = {"user_id": candidate.user.pk}
            form = AccountActionForm(initial=initial, actions=actions, auto_id=auto_id)
        rows.append((candidate, form))
    return rows, placed


def _ticket_page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: StaffReplyForm | None = None,
    status_form: StatusForm | None = None,
    account_form: AccountActionForm | None = None,
) -> HttpResponse:
    account_rows, placed = _account_rows(ticket, account_form)
    context = {
        "ticket": ticket,
        "history": ticket_messages(ticket=ticket),
        "opening_attachments": ticket_opening_attachments(ticket=ticket),
        "reply_form": reply_form or StaffReplyForm(auto_id="reply-%s"),
        "status_form": status_form
        or StatusForm(initial={"status": ticket.status}, auto_id="status-%s"),
        "account_rows": account_rows,
        "account_form_lost": account_form is not None and not placed,
        "actions": ticket_actions(ticket=ticket).select_related("actor")[:50],
        "max_files": MAX_ATTACHMENTS,
    }
    return render(request, "helpdesk/ticket_staff.html", context)
