"""The project's URLs plus the benchmark's plain-copy view: the baseline that the
sealed-bid uploads are compared with. Mounted only by `server_settings.py`.

POST /_bench/copy/ streams the request body to a new file in COPY_BENCH_DIR in 64 KiB
reads (as the tus endpoint reads its PATCH bodies), fsyncs it once at the end and
answers 204 with the byte count: a durable file copy through the same gunicorn,
middleware and workers, without authentication, protocol, hashing, checks, database or
storage layer."""

import os
import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project

READ_SIZE = 65_536

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@csrf_exempt
@require_POST
def copy_view(request: HttpRequest) -> HttpResponse:
    remaining = int(request.headers.get("Content-Length") or 0)
    target = os.path.join(os.environ["COPY_BENCH_DIR"], f"{uuid.uuid4().hex}.bin")
    with open(target, "wb") as out:
        while remaining:
            chunk = request.read(min(READ_SIZE, remaining))
            if not chunk:
                break
            out.write(chunk)
            remaining -= len(chunk)
        out.flush()
        os.fsync(out.fileno())
    if remaining:
        os.unlink(target)
        return HttpResponse("short body", status=400, content_type="text/plain")
    response = HttpResponse(status=204)
    response["X-Copy-Size"] = str(os.path.getsize(target))
    return response


urlpatterns = [path("_bench/copy/", copy_view), *project]
