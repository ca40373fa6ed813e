"""Maintenance windows at work: during a window a portal answers 503 to everyone but
its signed-in staff; before it, every page shows a banner (context_processors.py)."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from inaproc.accounts.models import PORTAL_STAFF_ROLES
from inaproc.announcements.models import MaintenanceWindow
from inaproc.announcements.selectors import maintenance_pending
from inaproc.core.pagecache import page_expires_at

# Open during a window, so that staff can sign in (a vendor who signs in is then
# answered 503 on the next page; the login page's banner says so beforehand).
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:login_code_request",
        "accounts:login_code",
        "accounts:second_factor",
        "accounts:passkey_login_options",
        "accounts:passkey_login",
        "accounts:logout",
        "accounts:logged_out",
    }
)


@dataclass(frozen=True)
class MaintenanceState:
    """The windows that matter to one request: banner showing or under way."""

    windows: list[MaintenanceWindow]
    now: datetime
    # Every window not cancelled nor over, whether its banner shows yet or not.
    pending: list[MaintenanceWindow]

    @property
    def active(self) -> list[MaintenanceWindow]:
        return [w for w in self.windows if w.starts_at <= self.now]

    @property
    def upcoming(self) -> list[MaintenanceWindow]:
        return [w for w in self.windows if w.starts_at > self.now]

    @property
    def until(self) -> datetime | None:
        """When the portal is open again: the end of the active windows, carried on
        through windows that start before that end."""
        active = self.active
        if not active:
            return None
        until = max(w.ends_at for w in active)
        for window in self.upcoming:
            if window.starts_at <= until:
                until = max(until, window.ends_at)
        return until


def maintenance_state(request: HttpRequest) -> MaintenanceState:
    """Computed once per request, shared by the middleware and the banner: from the
    shared cache, which every window scheduled or cancelled invalidates at once
    (selectors.maintenance_pending), else one indexed query. A cached page must not
    outlive the next change of the banner: a window's notice, full banner, start or end."""
    state = getattr(request, "_maintenance_state", None)
    if state is None:
        now = timezone.now()
        pending = maintenance_pending(portal=getattr(request, "portal", None), now=now)
        windows = [window for window in pending if window.notice_from <= now][:10]
        state = MaintenanceState(windows=windows, now=now, pending=pending)
        request._maintenance_state = state
        moments = [
            moment
            for window in pending
            for moment in (
                window.notice_from,
                window.banner_full_from,
                window.starts_at,
                window.ends_at,
            )
            if moment > now
        ]
        page_expires_at(request, min(moments, default=None))
    return state


def is_portal_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.has_role(*PORTAL_STAFF_ROLES))


def maintenance_response(request: HttpRequest, state: MaintenanceState) -> HttpResponse:
    until = state.until
    response = render(
        request,
        "announcements/maintenance.html",
        {"until": until, "windows": state.active, "maintenance_page": True},
        status=503,
    )
    response.headers["Retry-After"] = str(max(1, math.ceil((until - state.now).total_seconds())))
    add_never_cache_headers(response)
    # Planned downtime is no server error: keep Django's request logger from reporting
    # every such 503 as an ERROR (it honours this flag of django.utils.log.log_response).
    response._has_been_logged = True
    return response


class MaintenanceMiddleware:
    """Must follow the portal, authentication and session middleware (acts in
    process_view, once the portal and the user are known). Platform pages (no portal),
    static files and /healthz are never blocked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        if getattr(request, "portal", None) is None:
            return None
        state = maintenance_state(request)
        if not state.active or is_portal_staff(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        return maintenance_response(request, state)
