"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path

from inaproc.tenders.views import clarification, participation, publication, schedule

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
]
