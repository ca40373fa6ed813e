import os

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Every app's URLs and views imported now, as the worker starts, rather than by the first
# request it serves (which would wait ~0.3 s for them).
get_resolver().url_patterns  # noqa: B018 - loading it is the point

# A serving process's long-lived objects out of the garbage collector's walks
# (inaproc/core/collector.py).
from inaproc.core.collector import freeze_when_warm  # noqa: E402 - after the settings

request_started.connect(freeze_when_warm, dispatch_uid="inaproc-gc-freeze")
