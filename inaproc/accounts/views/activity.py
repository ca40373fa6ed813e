"""The signed-in user's own login activity."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inaproc.accounts.decorators import portal_login_required
from inaproc.accounts.selectors import login_activity_for_user

LOGIN_ACTIVITY_PAGE_SIZE = 25  # a page a person reads (was 50: twice the rows to render)


@require_GET
@portal_login_required
def login_activity_view(request: HttpRequest) -> HttpResponse:
    days = settings.LOGIN_ACTIVITY_VISIBLE_DAYS
    attempts = login_activity_for_user(user=request.user, days=days)
    page = Paginator(attempts, LOGIN_ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/login_activity.html", {"page": page, "days": days})
