from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from inaproc.portals.urls_helpers import portal_url

View = Callable[..., HttpResponse]


def portal_login_required(view: View) -> View:
    """The view needs a signed-in user of this portal; others go to this portal's login."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
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
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
