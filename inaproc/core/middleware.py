from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

GetResponse = Callable[[HttpRequest], HttpResponse]


def language_from_request(request: HttpRequest) -> str:
    """The user's chosen language, else Indonesian.

    Unlike Django's LocaleMiddleware we ignore Accept-Language on purpose: an
    Indonesian government portal speaks Indonesian until the user picks English
    (docs/decisions/0003-language-by-choice.md).
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePageCacheMiddleware:
    """Pages shown to a signed-in user are never stored by the browser or a proxy,
    so the back button after logout shows nothing private."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
