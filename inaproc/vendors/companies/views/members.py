"""The company's own users: the list (administrators only), inviting someone, changing a
user's role, suspending, reactivating and removing users, and the invitee's page where
the emailed link leads. Every change asks for the second factor again after a while
(step-up) and goes through a confirmation page, so that it works without JavaScript."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.decorators import second_factor_fresh_required
from inaproc.core.http import audit_context, retry_later
from inaproc.core.tokens import link_token_kept
from inaproc.portals.decorators import portal_required
from inaproc.portals.links import emailed_link_view
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.companies.access import (
    access_company_invitation,
    access_company_member,
    company_role_required,
)
from inaproc.vendors.companies.forms.members import (
    InvitationAcceptForm,
    InvitationForm,
    MemberRoleForm,
)
from inaproc.vendors.companies.selectors.members import (
    invitation_rows,
    member_rows,
)
from inaproc.vendors.companies.services.invitations import (
    InvitationState,
    invitation_accept,
    invitation_create,
    invitation_days,
    invitation_resend,
    invitation_revoke,
    invitation_state,
)
from inaproc.vendors.companies.services.members import (
    MemberActionRefused,
    member_reactivate,
    member_remove,
    member_role_change,
    member_suspend,
)
from inaproc.vendors.models import CompanyInvitation, CompanyMember, CompanyRole

# The invitation link's token, moved from the URL into the session (as the registration's
# confirmation link does), so that it is in no address bar, history or Referer.
INVITATION_TOKEN_SESSION_KEY = "inaproc_invitation_token"  # noqa: S105 (a key name)

admin_only = company_role_required(CompanyRole.ADMIN)


def _members_url(request: HttpRequest) -> str:
    return portal_url(request.portal, "vendors:members")


# --- The list and the invitation form ---------------------------------------------------


@require_GET
@never_cache
@admin_only
def members_view(request: HttpRequest) -> HttpResponse:
    company = request.company_member.company
    context = {
        "company": company,
        "rows": member_rows(portal=request.portal, company=company),
        "invitations": invitation_rows(portal=request.portal, company=company),
        "me": request.company_member,
    }
    return render(request, "vendors/members.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def invite_view(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, valid_days=invitation_days())
    wait = 0
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                company=request.company_member.company,
                actor=request.user,
                context=audit_context(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except MemberActionRefused as refused:
            form.add_error(None, refused.message)
            wait = refused.extra.get("retry_after", 0)
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return HttpResponseRedirect(_members_url(request))
    response = render(request, "vendors/members_invite.html", {"form": form})
    return retry_later(response, wait)


# --- Changes to a user ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def member_role_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_company_member(portal=request.portal, user=request.user, member_id=member_id)
    form = MemberRoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        try:
            changed = member_role_change(
                company=member.company,
                member_id=member.pk,
                role=role,
                actor=request.user,
                context=audit_context(request),
            )
        except MemberActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            if changed:
                messages.success(
                    request,
                    _("%(user)s is now: %(role)s.")
                    % {"user": _name(member), "role": CompanyRole(role).label},
                )
            if member.user_id == request.user.pk and role != CompanyRole.ADMIN:
                # No longer an administrator: the users page is closed to them now.
                return HttpResponseRedirect(portal_url(request.portal, "vendors:company"))
            return HttpResponseRedirect(_members_url(request))
    context = {"member": member, "form": form, "is_self": member.user_id == request.user.pk}
    return render(request, "vendors/members_role.html", context)


@dataclass(frozen=True)
class MemberAction:
    name: str
    service: Callable[..., object]
    done: str
    unchanged: str


MEMBER_ACTIONS = {
    "suspend": MemberAction(
        "suspend",
        member_suspend,
        gettext_lazy("%(user)s is suspended: their sessions have ended and they cannot sign in."),
        gettext_lazy("%(user)s was already suspended. Nothing was changed."),
    ),
    "reactivate": MemberAction(
        "reactivate",
        member_reactivate,
        gettext_lazy("%(user)s can sign in again."),
        gettext_lazy("%(user)s was not suspended. Nothing was changed."),
    ),
    "remove": MemberAction(
        "remove",
        member_remove,
        gettext_lazy("%(user)s is removed from the company and can no longer sign in."),
        "",
    ),
}


def _member_action_view(action: MemberAction) -> Callable[..., HttpResponse]:
    @require_http_methods(["GET", "POST"])
    @never_cache
    @admin_only
    @second_factor_fresh_required
    def view(request: HttpRequest, member_id: int) -> HttpResponse:
        member = access_company_member(
            portal=request.portal, user=request.user, member_id=member_id
        )
        error = ""
        if request.method == "POST":
            try:
                result = action.service(
                    company=member.company,
                    member_id=member.pk,
                    actor=request.user,
                    context=audit_context(request),
                )
            except MemberActionRefused as refused:
                error = refused.message
            else:
                return _after_member_action(request, action, member, result)
        context = {
            "action": action.name,
            "member": member,
            "error": error,
            "is_self": member.user_id == request.user.pk,
        }
        return render(request, "vendors/members_confirm.html", context)

    view.__name__ = f"member_{action.name}_view"
    return view


def _after_member_action(
    request: HttpRequest, action: MemberAction, member: CompanyMember, result: object
) -> HttpResponse:
    names = {"user": _name(member)}
    if action.name == "remove" and member.user_id == request.user.pk:
        # One's own account is closed: its sessions (this one too) have ended.
        auth.logout(request)
        messages.success(request, _("Your account is removed from the company."))
        return HttpResponseRedirect(portal_url(request.portal, "accounts:logged_out"))
    if result is False:
        messages.info(request, action.unchanged % names)
    else:
        messages.success(request, action.done % names)
    return HttpResponseRedirect(_members_url(request))


member_suspend_view = _member_action_view(MEMBER_ACTIONS["suspend"])
member_reactivate_view = _member_action_view(MEMBER_ACTIONS["reactivate"])
member_remove_view = _member_action_view(MEMBER_ACTIONS["remove"])


def _name(member: CompanyMember) -> str:
    return member.user.full_name or member.user.username


# --- Pending invitations ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation (the list's button posts here; GET asks first)."""
    invitation = access_company_invitation(
        portal=request.portal, user=request.user, invitation_id=invitation_id
    )
    if request.method == "POST":
        company = request.company_member.company
        try:
            revoked = invitation_revoke(
                company=company,
                invitation_id=invitation.pk,
                actor=request.user,
                context=audit_context(request),
            )
        except MemberActionRefused as refused:
            messages.error(request, refused.message)
        else:
            _revoked_message(request, revoked, invitation.email)
        return HttpResponseRedirect(_members_url(request))
    context = {"action": "revoke", "invitation": invitation}
    return render(request, "vendors/invitation_confirm.html", context)


def _revoked_message(request: HttpRequest, revoked: bool, email: str) -> None:
    if revoked:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn: its link no longer works.")
            % {"email": email},
        )
    else:
        messages.info(request, _("This invitation was already accepted or withdrawn."))


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """A new link for an invitation (the list's button posts here; GET asks first)."""
    invitation = access_company_invitation(
        portal=request.portal, user=request.user, invitation_id=invitation_id
    )
    error, wait = "", 0
    if request.method == "POST":
        try:
            invitation = invitation_resend(
                company=request.company_member.company,
                invitation_id=invitation.pk,
                actor=request.user,
                context=audit_context(request),
            )
        except MemberActionRefused as refused:
            error, wait = refused.message, refused.extra.get("retry_after", 0)
        else:
            messages.success(
                request,
                _(
                    "A new invitation link is on its way to %(email)s; the earlier one no "
                    "longer works."
                )
                % {"email": invitation.email},
            )
            return HttpResponseRedirect(_members_url(request))
    context = {"action": "resend", "invitation": invitation, "error": error}
    response = render(request, "vendors/invitation_confirm.html", context)
    return retry_later(response, wait)


# --- The invitee ------------------------------------------------------------------------


invitation_link_view = emailed_link_view(
    session_key=INVITATION_TOKEN_SESSION_KEY, then="vendors:invitation_accept"
)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@portal_required
def invitation_accept_view(request: HttpRequest) -> HttpResponse:
    token = link_token_kept(request, INVITATION_TOKEN_SESSION_KEY)
    state, invitation = invitation_state(portal=request.portal, token=token)
    if request.user.is_authenticated:
        # The invitation makes a new account: not while someone is signed in here.
        return _accept_page(request, "signed_in" if state == InvitationState.VALID else state)
    if state != InvitationState.VALID:
        return _accept_page(request, state, invitation)
    form = InvitationAcceptForm(invitation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            state, invitation, _user = invitation_accept(
                portal=request.portal,
                token=token,
                username=form.cleaned_data["username"],
                password=form.password,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if state != InvitationState.CREATED:  # accepted, withdrawn… meanwhile
                return _accept_page(request, state, invitation)
            request.session.pop(INVITATION_TOKEN_SESSION_KEY, None)
            messages.success(
                request,
                _("Your account is ready. Log in with the username and password you chose."),
            )
            return HttpResponseRedirect(portal_url(request.portal, "accounts:login"))
    return _accept_page(request, state, invitation, form=form)


def _accept_page(
    request: HttpRequest,
    state: str,
    invitation: CompanyInvitation | None = None,
    form: InvitationAcceptForm | None = None,
) -> HttpResponse:
    context = {
        "state": state,
        "invitation": invitation if state == InvitationState.VALID else None,
        "form": form,
    }
    return render(request, "vendors/invitation_accept.html", context)
