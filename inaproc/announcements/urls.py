from django.urls import path

from inaproc.announcements import feeds
from inaproc.announcements.views import maintenance, public, staff

app_name = "announcements"

urlpatterns = [
    path("pengumuman/", public.announcement_list_view, name="list"),
    path("pengumuman/<int:pk>/", public.announcement_detail_view, name="detail"),
    path("pengumuman/rss/", feeds.rss_feed_view, name="rss"),
    path("pengumuman/atom/", feeds.atom_feed_view, name="atom"),
    path("staf/pengumuman/", staff.staff_list_view, name="staff_list"),
    path("staf/pengumuman/baru/", staff.staff_create_view, name="staff_create"),
    path("staf/pengumuman/<int:pk>/ubah/", staff.staff_update_view, name="staff_update"),
    path("staf/pengumuman/<int:pk>/hapus/", staff.staff_delete_view, name="staff_delete"),
    path("staf/pemeliharaan/", maintenance.maintenance_view, name="maintenance"),
    path("staf/pemeliharaan/gangguan/", maintenance.incident_view, name="incidents"),
    path(
        "staf/pemeliharaan/<int:pk>/batal/",
        maintenance.maintenance_cancel_view,
        name="maintenance_cancel",
    ),
]
