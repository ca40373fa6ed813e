"""Objection pages of a portal: the vendor's under perusahaan/, the officials' under
staf/, the public page under tender/."""

from django.urls import path

from inaproc.objections.views import participant, public, staff

app_name = "objections"

urlpatterns: list = [
    path(
        "perusahaan/tender/<int:code>/sanggah/",
        participant.participant_objection_view,
        name="participant_objection",
    ),
    path(
        "perusahaan/tender/<int:code>/sanggah/kirim/",
        participant.objection_file_view,
        name="objection_file",
    ),
    path(
        "perusahaan/tender/<int:code>/sanggah/banding/",
        participant.appeal_file_view,
        name="appeal_file",
    ),
    path(
        "perusahaan/tender/<int:code>/sanggah/lampiran/<int:attachment_id>/",
        participant.own_attachment_view,
        name="own_attachment",
    ),
    path(
        "staf/paket/<int:package_id>/sanggah/",
        staff.staff_objections_view,
        name="staff_objections",
    ),
    path(
        "staf/paket/<int:package_id>/sanggah/<int:objection_id>/jawab/",
        staff.objection_answer_view,
        name="objection_answer",
    ),
    path(
        "staf/paket/<int:package_id>/sanggah/<int:objection_id>/lampiran/<int:attachment_id>/",
        staff.staff_attachment_view,
        name="staff_attachment",
    ),
    path("staf/paket/<int:package_id>/sanggah-banding/", staff.appeals_view, name="appeals"),
    path(
        "staf/paket/<int:package_id>/sanggah-banding/<int:appeal_id>/putuskan/",
        staff.appeal_decide_view,
        name="appeal_decide",
    ),
    path("tender/<int:code>/sanggah/", public.public_objections_view, name="public_objections"),
]
