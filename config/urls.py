from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from inaproc.accounts.captcha import captcha_refresh_view
from inaproc.core import views as core_views
from inaproc.core.operations import OPERATIONS_ENDPOINTS
from inaproc.ops import views as ops_views
from inaproc.search import views as search_views

OPERATIONS_VIEWS = {
    "healthz": core_views.healthz_view,
    "readyz": ops_views.readyz_view,
    "metrics": ops_views.metrics_view,
}

urlpatterns = [
    # The national search and the portal directory (inaproc/search).
    path("", search_views.search_home_view, name="platform_home"),
    # Without a CSRF token, so that public pages carry no per-visitor state and can be
    # cached for every anonymous visitor; a forged request can only switch the display
    # language (docs/decisions/0014-public-page-cache.md).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # /healthz, /readyz, /metrics: each named as its path (inaproc/core/operations.py).
    *(path(name, OPERATIONS_VIEWS[name], name=name) for name in OPERATIONS_ENDPOINTS),
    # CAPTCHA images and the refresh endpoint (django-simple-captcha), shared by portals.
    path("captcha/refresh/<slug:form_name>/", captcha_refresh_view, name="captcha-refresh-form"),
    path("captcha/", include("captcha.urls")),
    # Open data for the whole platform (docs/open-data.md); per portal under /<slug>/ocds/.
    path("ocds/", include("inaproc.opendata.urls_platform")),
    # Everything else belongs to a portal: /<slug>/… (see PortalMiddleware).
    path("<slug:portal_slug>/", include("inaproc.portals.urls")),
]

handler400 = "inaproc.core.views.bad_request"
handler403 = "inaproc.core.views.permission_denied"
handler404 = "inaproc.core.views.page_not_found"
handler500 = "inaproc.core.views.server_error"
