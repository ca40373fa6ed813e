"""The application's URLs plus `/platform/bench-bare/`: a view that does nothing, served
through the same middleware and gunicorn, the ceiling the public pages are compared with.
Under `platform/`, a reserved first segment, so that the portal middleware does not look
for a portal of that name (any unknown first segment would cost it a query)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as app_urlpatterns


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("platform/bench-bare/", bare_view), *app_urlpatterns]
