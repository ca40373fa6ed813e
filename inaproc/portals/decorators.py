from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse


def portal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view only exists inside a portal."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "portal", None) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
