"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path

from inaproc.tenders.views import schedule

app_name = "tenders"

urlpatterns: list = [
    # Schedules (issue 12, items 3 and 4): the runner's schedule page, the tender settings.
    path(
        "staf/paket/<int:package_id>/jadwal/",
        schedule.schedule_edit_view,
        name="schedule_edit",
    ),
    path("staf/pengaturan/tender/", schedule.tender_settings_view, name="tender_settings"),
]
