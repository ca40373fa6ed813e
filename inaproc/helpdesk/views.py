"""The helpdesk's account tools: locked usernames (with unlock) and a user's login
activity. Helpdesk officers and portal administrators of the portal may use them."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role
from inaproc.accounts.selectors import lock_until, login_activity_for_user, user_session_list
from inaproc.accounts.services.signin import account_unlock
from inaproc.accounts.usernames import username_key
from inaproc.accounts.views.login import safe_next_url
from inaproc.helpdesk.access import access_portal_user
from inaproc.helpdesk.forms import LockSearchForm, UnlockForm, UserSearchForm
from inaproc.helpdesk.selectors import locked_username_list, user_search
from inaproc.helpdesk.services import login_activity_view_record
from inaproc.portals.urls_helpers import portal_url

STAFF_ROLES = (Role.HELPDESK, Role.PORTAL_ADMIN)
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
        request=request,
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
    account = access_portal_user(portal=request.portal, user_id=user_id)
    days = settings.LOGIN_ACTIVITY_VISIBLE_DAYS
    attempts = login_activity_for_user(user=account, days=days)
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    login_activity_view_record(actor=request.user, user=account, page=page.number, request=request)
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
    }
    return render(request, "helpdesk/user_activity.html", context)
