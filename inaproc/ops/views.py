import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from inaproc.ops.metrics import metrics_text
from inaproc.ops.selectors import readiness_checks

# What must answer for this server to take traffic. The cache is reported but, unless
# READYZ_REQUIRE_CACHE, not required: the pages are served without it (slower), and every
# server shares one Redis, so failing on it would take every server out at once.
REQUIRED = {"database", "storage"}


@csrf_exempt
@require_safe
@never_cache
def readyz_view(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database and the document storage answer (and
    the cache, if required), 503 otherwise; the body says which check failed."""
    checks = readiness_checks()
    required = REQUIRED | ({"cache"} if settings.READYZ_REQUIRE_CACHE else set())
    ready = all(check.ok for check in checks if check.name in required)
    body = {
        "ready": ready,
        "checks": {
            check.name: {"ok": check.ok, "ms": round(check.milliseconds, 1)} for check in checks
        },
    }
    return HttpResponse(
        json.dumps(body), status=200 if ready else 503, content_type="application/json"
    )


@csrf_exempt
@require_safe
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the bearer of METRICS_TOKEN only; without a token set, the
    endpoint does not exist (404), so nothing is exposed by default."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
