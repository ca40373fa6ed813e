"""The whole platform: included under /ocds/ by config.urls."""

from django.urls import path, re_path

from inaproc.opendata import views

app_name = "opendata_platform"

urlpatterns = [
    path("releases/", views.releases_view, name="releases"),
    path("records/", views.records_view, name="records"),
    path("records/<str:ocid>/", views.record_view, name="record"),
    path("bulk/", views.bulk_index_view, name="bulk_index"),
    re_path(
        r"^bulk/(?P<day>\d{4}-\d{2}-\d{2})\.jsonl\.gz$", views.bulk_file_view, name="bulk_file"
    ),
]
