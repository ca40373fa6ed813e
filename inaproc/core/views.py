import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, f"errors/{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # A form with too many files or too much data (e.g. vendor registration): say so.
        context = {"max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
        return render(request, "errors/400_too_much_data.html", context, status=400)
    return _error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


# Retry-After of the page shown while the database cannot be reached (a restart, a
# failover): long enough not to hammer it, short enough for a vendor at a deadline.
DATABASE_RETRY_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    # Keep it minimal: the database or a context processor may be what failed.
    from django.template import loader

    # Django calls this view while it handles the exception, so it is still at hand.
    failure = sys.exc_info()[1]
    if isinstance(failure, OperationalError | InterfaceError):
        # The database is down or restarting: say so, and when to try again. The app needs
        # no restart: every request checks its connection first (CONN_HEALTH_CHECKS).
        body = loader.get_template("errors/503_database.html").render({})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    body = loader.get_template("errors/500.html").render({"LANGUAGE_CODE": "id"})
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)


@csrf_exempt
@require_safe
@never_cache
def healthz_view(request: HttpRequest) -> HttpResponse:
    """Liveness: 200 while this process answers requests, whatever its dependencies do
    (restarting the application would not bring the database back). Readiness, with the
    dependencies, is /readyz (inaproc.ops)."""
    return HttpResponse("ok", content_type="text/plain")
