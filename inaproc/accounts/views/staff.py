"""The portal administrator's staff pages: the list, inviting a staff member, changing
roles, deactivating and reactivating; and the invited person's set-password page where
the emailed link leads. Every change asks for the second factor again after a while
(step-up) and goes through a page of its own, so that it works without JavaScript."""

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.access import access_staff_member
from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.forms.staff import StaffInviteForm, StaffRolesForm
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import PORTAL_STAFF_ROLES, Role, User
from inaproc.accounts.selectors import staff_pokja_count, staff_rows
from inaproc.accounts.services.staff import (
    StaffActionRefused,
    pokjas_short,
    staff_deactivate,
    staff_invitation_accept,
    staff_invite,
    staff_reactivate,
    staff_roles_of,
    staff_roles_set,
)
from inaproc.accounts.tokens import STAFF_INVITATION_DAYS, staff_invitation_token
from inaproc.accounts.views.passwords import PortalPasswordResetConfirmView
from inaproc.core.http import audit_context
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url

admin_only = portal_role_required(Role.PORTAL_ADMIN)


def _list_url(request: SignedInRequest) -> str:
    return portal_url(request.portal, "accounts:staff_list")


def _name(user: User) -> str:
    return user.full_name or user.username


@require_GET
@never_cache
@admin_only
def staff_list_view(request: SignedInRequest) -> HttpResponse:
    return render(request, "accounts/staff/list.html", {"rows": staff_rows(portal=request.portal)})


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def staff_invite_view(request: SignedInRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_invite(
                portal=request.portal,
                actor=request.user,
                context=audit_context(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(user)s is invited: the link to choose a password is on its way to %(email)s.")
                % {"user": user.username, "email": user.email},
            )
            return HttpResponseRedirect(_list_url(request))
    context = {"form": form, "days": STAFF_INVITATION_DAYS}
    return render(request, "accounts/staff/invite.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def staff_roles_view(request: SignedInRequest, staff_id: int) -> HttpResponse:
    staff = access_staff_member(portal=request.portal, user=request.user, staff_id=staff_id)
    current = staff_roles_of(staff)
    form = StaffRolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": current}
    )
    if request.method == "POST" and form.is_valid():
        roles = form.cleaned_data["roles"]
        try:
            changed = staff_roles_set(
                portal=request.portal,
                staff_id=staff.pk,
                roles=roles,
                actor=request.user,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except StaffActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return _after_roles_change(request, staff, roles, changed)
    context = {
        "staff": staff,
        "form": form,
        "current": [Role(role).label for role in current],
        "pokja_count": staff_pokja_count(user=staff),
        "is_self": staff.pk == request.user.pk,
    }
    return render(request, "accounts/staff/roles.html", context)


def _after_roles_change(
    request: SignedInRequest, staff: User, roles: list[str], changed: bool
) -> HttpResponse:
    names = {"user": _name(staff)}
    if not changed:
        messages.info(request, _("%(user)s already had these roles. Nothing was changed.") % names)
    else:
        messages.success(request, _("The roles of %(user)s are saved.") % names)
        if Role.POKJA not in roles and staff_pokja_count(user=staff):
            messages.warning(
                request,
                _(
                    "%(user)s still sits on a Pokja but no longer holds the Pokja role: "
                    "they cannot act for it until the role is given back or they are "
                    "replaced on the Pokja."
                )
                % names,
            )
    if staff.pk == request.user.pk and Role.PORTAL_ADMIN not in roles:
        # No longer an administrator: the staff pages are closed to them now.
        return HttpResponseRedirect(portal_url(request.portal, "accounts:dashboard"))
    return HttpResponseRedirect(_list_url(request))


STAFF_ACTIONS: dict[str, tuple[Callable[..., bool], str | Promise, str | Promise]] = {
    "deactivate": (
        staff_deactivate,
        gettext_lazy("%(user)s is deactivated: their sessions have ended and they cannot sign in."),
        gettext_lazy("%(user)s was already deactivated. Nothing was changed."),
    ),
    "reactivate": (
        staff_reactivate,
        gettext_lazy("%(user)s can sign in again."),
        gettext_lazy("%(user)s was already active. Nothing was changed."),
    ),
}


def _staff_action_view(action: str) -> Callable[..., HttpResponseBase]:
    service, done, unchanged = STAFF_ACTIONS[action]

    @require_http_methods(["GET", "POST"])
    @never_cache
    @admin_only
    @second_factor_fresh_required
    def view(request: SignedInRequest, staff_id: int) -> HttpResponse:
        staff = access_staff_member(portal=request.portal, user=request.user, staff_id=staff_id)
        error = ""
        if request.method == "POST":
            try:
                changed = service(
                    portal=request.portal,
                    staff_id=staff.pk,
                    actor=request.user,
                    context=audit_context(request),
                )
            except StaffActionRefused as refused:
                error = refused.message
            else:
                names = {"user": _name(staff)}
                if changed:
                    messages.success(request, done % names)
                    if action == "deactivate" and (short := pokjas_short(staff)):
                        # Never refused (an account may have to close at once), but said.
                        messages.warning(
                            request,
                            _(
                                "%(pokjas)s now has fewer members able to act than its "
                                "quorum for a published tender: add a member to it."
                            )
                            % {"pokjas": ", ".join(short)},
                        )
                else:
                    messages.info(request, unchanged % names)
                return HttpResponseRedirect(_list_url(request))
        context = {
            "action": action,
            "staff": staff,
            "roles": [Role(role).label for role in staff_roles_of(staff)],
            "error": error,
            "is_self": staff.pk == request.user.pk,
        }
        return render(request, "accounts/staff/confirm.html", context)

    view.__name__ = f"staff_{action}_view"
    return view


staff_deactivate_view = _staff_action_view("deactivate")
staff_reactivate_view = _staff_action_view("reactivate")


# --- The invited person -----------------------------------------------------------------


class StaffInvitationAcceptView(PortalPasswordResetConfirmView):
    """The set-password page of the reset flow (the token moves into the session, the
    browser goes on to a URL without it), with the invitation's own token: it works for
    STAFF_INVITATION_DAYS and once, as choosing the password changes what it is bound to."""

    template_name = "accounts/staff/set_password.html"
    title = gettext_lazy("Choose your password")
    token_generator = staff_invitation_token

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.role not in PORTAL_STAFF_ROLES:
            return None
        return user

    def form_valid(self, form) -> HttpResponse:
        try:
            staff_invitation_accept(
                user=self.user, password=form.password, context=audit_context(self.request)
            )
        except ValidationError as error:
            form.add_error("new_password1", error.messages)
            return self.form_invalid(form)
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            _(
                "Your password is set. Log in with your username and password; you will "
                "then set up a second factor."
            ),
        )
        # The view runs inside a portal: its URLs exist only there.
        portal = cast(PortalRequest, self.request).portal
        return HttpResponseRedirect(portal_url(portal, "accounts:login"))


staff_invitation_accept_view = require_http_methods(["GET", "POST"])(
    StaffInvitationAcceptView.as_view()
)
