"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path

from inaproc.tenders import feeds
from inaproc.tenders.views import (
    clarification,
    dashboards,
    failure,
    invitations,
    packages,
    participation,
    pokja,
    public,
    publication,
    schedule,
)

app_name = "tenders"

urlpatterns: list = [
    # Schedules (issue 12, items 3 and 4): the runner's schedule page, the tender settings.
    path(
        "staf/paket/<int:package_id>/jadwal/",
        schedule.schedule_edit_view,
        name="schedule_edit",
    ),
    path("staf/pengaturan/tender/", schedule.tender_settings_view, name="tender_settings"),
    # --- Publication, participation and clarification (issue 12, items 5, 7, 8) ---
    path(
        "staf/paket/<int:package_id>/publikasi/",
        publication.publication_view,
        name="publication",
    ),
    path(
        "staf/paket/<int:package_id>/publikasi/setujui/",
        publication.publication_approve_view,
        name="publication_approve",
    ),
    path(
        "staf/paket/<int:package_id>/batalkan/",
        publication.tender_cancel_view,
        name="tender_cancel",
    ),
    path(
        "staf/paket/<int:package_id>/pertanyaan/",
        clarification.questions_staff_view,
        name="questions_staff",
    ),
    path(
        "staf/paket/<int:package_id>/pertanyaan/<int:question_id>/jawab/",
        clarification.question_answer_view,
        name="question_answer",
    ),
    path(
        "staf/paket/<int:package_id>/pertanyaan/<int:question_id>/lampiran/",
        clarification.question_attachment_staff_view,
        name="question_attachment_staff",
    ),
    path(
        "staf/paket/<int:package_id>/gagal/",
        failure.tender_failure_view,
        name="tender_failure",
    ),
    path(
        "staf/paket/<int:package_id>/ulang/",
        failure.tender_repeat_view,
        name="tender_repeat",
    ),
    path(
        "staf/paket/<int:package_id>/undangan/",
        invitations.invitations_view,
        name="invitations",
    ),
    path(
        "staf/paket/<int:package_id>/undangan/tambah/",
        invitations.invitation_add_view,
        name="invitation_add",
    ),
    path(
        "staf/paket/<int:package_id>/undangan/batal/",
        invitations.invitation_withdraw_view,
        name="invitation_withdraw",
    ),
    path("tender/<int:code>/ikut/", participation.join_view, name="join"),
    path("perusahaan/tender/", participation.my_tenders_view, name="my_tenders"),
    path(
        "perusahaan/tender/<int:code>/",
        participation.participant_tender_view,
        name="participant_tender",
    ),
    path(
        "perusahaan/tender/<int:code>/dokumen/<int:document_id>/",
        participation.document_view,
        name="participant_document",
    ),
    path(
        "perusahaan/tender/<int:code>/pertanyaan/",
        participation.question_ask_view,
        name="question_ask",
    ),
    path(
        "perusahaan/tender/<int:code>/pertanyaan/<int:question_id>/lampiran/",
        participation.question_attachment_view,
        name="question_attachment",
    ),
    # --- end of publication, participation and clarification ---
    # --- Packages, documents, addenda and the officials' dashboard (issue 12, items 2, 9) ---
    path("staf/paket/", dashboards.staff_packages_view, name="staff_packages"),
    path("staf/paket/baru/", packages.package_create_view, name="package_create"),
    path("staf/paket/<int:pk>/", packages.package_detail_view, name="package_detail"),
    path("staf/paket/<int:pk>/ubah/", packages.package_edit_view, name="package_edit"),
    path("staf/paket/<int:pk>/tugaskan/", packages.package_assign_view, name="package_assign"),
    path("staf/paket/<int:pk>/kembalikan/", packages.package_return_view, name="package_return"),
    path("staf/paket/<int:pk>/dokumen/", packages.document_add_view, name="document_add"),
    path(
        "staf/paket/<int:pk>/dokumen/<int:document_pk>/",
        packages.document_download_view,
        name="document_download",
    ),
    path("staf/paket/<int:pk>/adendum/", packages.addendum_add_view, name="addendum_add"),
    # --- end of packages ---
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
    # --- Public pages (issue 12, item 6): no account ---
    path("tender/", public.tender_list_view, name="public_list"),
    path("tender/rss/", feeds.rss_feed_view, name="public_rss"),
    path("tender/atom/", feeds.atom_feed_view, name="public_atom"),
    path("tender/<int:code>/", public.tender_announcement_view, name="public_announcement"),
    path("tender/<int:code>/jadwal/", public.tender_schedule_view, name="public_schedule"),
    # --- end of public pages ---
]
