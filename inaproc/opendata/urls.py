"""Per portal: included under /<slug>/ by inaproc.portals.urls."""

from django.urls import path, re_path

from inaproc.opendata import views

app_name = "opendata"

urlpatterns = [
    path("ocds/releases/", views.portal_releases_view, name="releases"),
    path("ocds/records/", views.portal_records_view, name="records"),
    path("ocds/records/<int:code>/", views.portal_record_view, name="record"),
    path("ocds/bulk/", views.portal_bulk_index_view, name="bulk_index"),
    re_path(
        r"^ocds/bulk/(?P<day>\d{4}-\d{2}-\d{2})\.jsonl\.gz$",
        views.portal_bulk_file_view,
        name="bulk_file",
    ),
]
