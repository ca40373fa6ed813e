import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Every app's URLs and views imported now, as the worker starts, rather than by the first
# request it serves (which would wait ~0.3 s for them).
get_resolver().url_patterns  # noqa: B018 - loading it is the point
