from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject


def _portal_of(request: HttpRequest) -> int | None:
    portal = getattr(request, "portal", None)
    return portal.pk if portal is not None else None


def get_portal_user(request: HttpRequest) -> Any:
    """The session's user if that user belongs to the request's portal, else anonymous.

    This is the isolation rule for sessions: one cookie may be shared by every portal on
    a host, but a session opened on portal A is worth nothing on portal B.
    """
    if not hasattr(request, "_cached_user"):
        user = auth.get_user(request)
        if user.is_authenticated and user.portal_id != _portal_of(request):
            user = AnonymousUser()
        request._cached_user = user
    return request._cached_user


class PortalAuthenticationMiddleware:
    """Replaces django.contrib.auth's AuthenticationMiddleware (must follow PortalMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._attach(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        # The portal is known only now; forget any user resolved before it was.
        if hasattr(request, "_cached_user"):
            del request._cached_user
        self._attach(request)

    @staticmethod
    def _attach(request: HttpRequest) -> None:
        request.user = SimpleLazyObject(partial(get_portal_user, request))

        async def auser() -> Any:
            from asgiref.sync import sync_to_async

            return await sync_to_async(get_portal_user)(request)

        request.auser = auser
