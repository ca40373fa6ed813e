"""Every URL inside a portal, mounted under /<portal_slug>/ by config/urls.py."""

from django.urls import include, path

from inaproc.portals import views

urlpatterns = [
    path("", views.portal_home_view, name="portal_home"),
    path("", include("inaproc.accounts.urls")),
    path("", include("inaproc.vendors.urls")),
    path("staf/audit/", include("inaproc.audit.urls")),
    path("staf/helpdesk/", include("inaproc.helpdesk.urls")),
    path("bantuan/", include("inaproc.helpdesk.urls_public")),
    path("", include("inaproc.announcements.urls")),
    path("", include("inaproc.tenders.urls")),
    path("", include("inaproc.bids.urls")),
    path("", include("inaproc.evaluation.urls")),
    path("", include("inaproc.objections.urls")),
    path("", include("inaproc.award.urls")),
    path("", include("inaproc.translog.urls")),
    path("", include("inaproc.opendata.urls")),
    path("", include("inaproc.spse.urls")),
    path("", include("inaproc.search.urls")),
]
