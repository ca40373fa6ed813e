"""The helpdesk's account tools: locked usernames (with unlock), a user's login
activity and the reset of a user's second factors. Helpdesk officers and portal
administrators of the portal may use them."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.flows.login import safe_next_url
from inaproc.accounts.selectors import lock_until, login_activity_for_user, user_session_list
from inaproc.accounts.services.factors import second_factors_reset
from inaproc.accounts.services.signin import account_unlock
from inaproc.accounts.usernames import username_key
from inaproc.core.http import audit_context
from inaproc.helpdesk.access import STAFF_ROLES, access_portal_user
from inaproc.helpdesk.forms import FactorResetForm, LockSearchForm, UnlockForm, UserSearchForm
from inaproc.helpdesk.selectors import factor_status, locked_username_list, user_search
from inaproc.helpdesk.services import login_activity_view_record
from inaproc.portals.urls_helpers import portal_url

PAGE_SIZE = 50


def _unlock_form(username: str, *, next_url: str, row: object = "") -> UnlockForm:
    """An unbound unlock form; `row` keeps element ids unique when a page has several."""
    return UnlockForm(initial={"username": username, "next": next_url}, auto_id=f"unlock{row}-%s")


@require_GET
@portal_role_required(*STAFF_ROLES)
def lock_list_view(request: HttpRequest) -> HttpResponse:
    form = LockSearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data["q"] if valid else ""
    locks = locked_username_list(portal=request.portal, query=query) if valid else []
    page = Paginator(locks, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"q": query, "page": page.number} if query else {"page": page.number}
    here = portal_url(request.portal, "helpdesk:locks") + "?" + urlencode(params)
    rows = [(lock, _unlock_form(lock.username_key, next_url=here, row=lock.pk)) for lock in page]
    context = {"form": form, "query": query, "page": page, "rows": rows}
    return render(request, "helpdesk/locks.html", context)


@require_POST
@portal_role_required(*STAFF_ROLES)
def unlock_view(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST, auto_id="unlock-%s")
    if not form.is_valid():
        return render(request, "helpdesk/unlock.html", {"form": form})
    username = username_key(form.cleaned_data["username"])
    unlocked = account_unlock(
        portal=request.portal,
        username=username,
        actor=request.user,
        reason=form.cleaned_data["reason"],
        context=audit_context(request),
    )
    if unlocked:
        messages.success(
            request,
            _("The username %(username)s is unlocked; its holder can sign in again.")
            % {"username": username},
        )
    else:
        messages.error(
            request,
            _("The username %(username)s is not locked (any more). Nothing was changed.")
            % {"username": username},
        )
    back = safe_next_url(request, form.cleaned_data["next"])
    return HttpResponseRedirect(back or portal_url(request.portal, "helpdesk:locks"))


@require_GET
@portal_role_required(*STAFF_ROLES)
def user_search_view(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET if "q" in request.GET else None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    users = user_search(portal=request.portal, query=query) if query else []
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "page": page}
    return render(request, "helpdesk/user_search.html", context)


@require_GET
@portal_role_required(*STAFF_ROLES)
def user_activity_view(request: HttpRequest, user_id: int) -> HttpResponse:
    account = access_portal_user(portal=request.portal, user=request.user, user_id=user_id)
    days = settings.LOGIN_ACTIVITY_VISIBLE_DAYS
    attempts = login_activity_for_user(user=account, days=days)
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    login_activity_view_record(
        actor=request.user, user=account, page=page.number, context=audit_context(request)
    )
    locked_until = lock_until(portal=request.portal, username=account.username)
    here = portal_url(request.portal, "helpdesk:user_activity", user_id=account.pk)
    unlock_form = (
        _unlock_form(username_key(account.username), next_url=here) if locked_until else None
    )
    context = {
        "account": account,
        "page": page,
        "days": days,
        "locked_until": locked_until,
        "unlock_form": unlock_form,
        "session_count": user_session_list(user=account).count(),
        "factors": factor_status(user=account),
        "is_self": account.pk == request.user.pk,
    }
    return render(request, "helpdesk/user_activity.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*STAFF_ROLES)
@second_factor_fresh_required
def factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Reset every second factor of a user who lost theirs, once the officer has checked
    who is asking. Not for one's own account: another officer must check that identity."""
    account = access_portal_user(portal=request.portal, user=request.user, user_id=user_id)
    if account.pk == request.user.pk:
        raise PermissionDenied
    back = portal_url(request.portal, "helpdesk:user_activity", user_id=account.pk)
    factors = factor_status(user=account)
    form = FactorResetForm(request.POST or None)
    if request.method == "POST" and not factors.any:
        messages.info(request, _("This account has no second factor. Nothing was changed."))
        return HttpResponseRedirect(back)
    if request.method == "POST" and form.is_valid():
        second_factors_reset(
            user=account,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            context=audit_context(request),
        )
        messages.success(
            request,
            _(
                "The second factors of %(username)s are removed and their sessions ended. "
                "They and the portal administrators were emailed."
            )
            % {"username": account.username},
        )
        return HttpResponseRedirect(back)
    context = {"account": account, "factors": factors, "form": form, "back": back}
    return render(request, "helpdesk/factor_reset.html", context)
