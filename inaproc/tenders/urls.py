"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path

from inaproc.tenders import feeds
from inaproc.tenders.views import public

app_name = "tenders"

urlpatterns: list = [
    # --- Public pages (issue 12, item 6): no account ---
    path("tender/", public.tender_list_view, name="public_list"),
    path("tender/rss/", feeds.rss_feed_view, name="public_rss"),
    path("tender/atom/", feeds.atom_feed_view, name="public_atom"),
    path("tender/<int:code>/", public.tender_announcement_view, name="public_announcement"),
    path("tender/<int:code>/jadwal/", public.tender_schedule_view, name="public_schedule"),
    # --- end of public pages ---
]
