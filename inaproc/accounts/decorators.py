from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect

from inaproc.accounts.services.factors import has_second_factor, second_factor_recent
from inaproc.portals.urls_helpers import portal_url

View = Callable[..., HttpResponseBase]


def portal_login_required(view: View) -> View:
    """The view needs a signed-in user of this portal; others go to this portal's login."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.portal is None:
            raise Http404
        if not request.user.is_authenticated:
            login = portal_url(request.portal, "accounts:login")
            return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def portal_role_required(*roles: str) -> Callable[[View], View]:
    """The view needs a signed-in user of this portal holding one of `roles`."""

    def decorator(view: View) -> View:
        @portal_login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def step_up_needed(request: HttpRequest) -> bool:
    """The signed-in account has a second factor and this session last checked it more
    than SECOND_FACTOR_STEP_UP_MINUTES ago."""
    return has_second_factor(request.user) and not second_factor_recent(
        user_session=getattr(request, "user_session", None)
    )


def second_factor_fresh_required(view: View) -> View:
    """A sensitive action (change password or email, add or remove a factor, invite or
    remove company users, submit a bid): an account with a second factor confirms it
    again when the session's last check is older than SECOND_FACTOR_STEP_UP_MINUTES.
    Use inside `portal_login_required`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if step_up_needed(request):
            step_up = portal_url(request.portal, "accounts:step_up")
            return HttpResponseRedirect(f"{step_up}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
