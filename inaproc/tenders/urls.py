"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path

from inaproc.tenders.views import pokja

app_name = "tenders"

urlpatterns: list = [
    # --- Pokja groups, managed by the portal administrator (officials and staff) ---
    path("staf/pokja/", pokja.pokja_list_view, name="pokja_list"),
    path("staf/pokja/baru/", pokja.pokja_create_view, name="pokja_create"),
    path("staf/pokja/<int:pokja_id>/", pokja.pokja_detail_view, name="pokja_detail"),
    path("staf/pokja/<int:pokja_id>/ubah/", pokja.pokja_update_view, name="pokja_update"),
    path("staf/pokja/<int:pokja_id>/status/", pokja.pokja_active_view, name="pokja_active"),
    path(
        "staf/pokja/<int:pokja_id>/anggota/", pokja.pokja_member_add_view, name="pokja_member_add"
    ),
    path(
        "staf/pokja/<int:pokja_id>/anggota/<int:member_id>/ketua/",
        pokja.pokja_chair_view,
        name="pokja_chair",
    ),
    path(
        "staf/pokja/<int:pokja_id>/anggota/<int:member_id>/hapus/",
        pokja.pokja_member_remove_view,
        name="pokja_member_remove",
    ),
    # --- end of Pokja groups ---
]
