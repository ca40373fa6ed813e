"""The evaluation pages of a portal: the Pokja's under staf/, the company's under
perusahaan/. The public evaluation and winner pages are SPSE's paths (inaproc/spse)."""

from django.urls import path

from inaproc.evaluation import views

app_name = "evaluation"

_STAFF = "staf/paket/<int:package_id>/evaluasi/"

urlpatterns: list = [
    path(_STAFF, views.board_view, name="board"),
    path(_STAFF + "peserta/<int:participation_id>/", views.entry_view, name="entry"),
    path(
        _STAFF + "peserta/<int:participation_id>/negosiasi/",
        views.negotiation_view,
        name="negotiation",
    ),
    path(_STAFF + "bobot/", views.weights_view, name="weights"),
    path(_STAFF + "usulan/", views.propose_view, name="propose"),
    path(_STAFF + "setujui/", views.approve_view, name="approve"),
    path(_STAFF + "pembuktian/undang/", views.invite_view, name="invite"),
    path(_STAFF + "pembuktian/hasil/", views.proof_view, name="proof"),
    path(_STAFF + "umumkan/", views.announce_view, name="announce"),
    path(_STAFF + "umumkan-file-1/", views.file_one_view, name="file_one"),
    path("perusahaan/tender/<int:code>/hasil/", views.my_result_view, name="my_result"),
]
