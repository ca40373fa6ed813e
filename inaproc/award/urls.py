"""Award pages of a portal: the PPK's under staf/, the winning company's under
perusahaan/ (the public sees the contract on the SPSE-compatible pages, inaproc/spse)."""

from django.urls import path

from inaproc.award import views

app_name = "award"

urlpatterns: list = [
    path("staf/paket/<int:package_id>/sppbj/", views.staff_award_view, name="staff_award"),
    path(
        "staf/paket/<int:package_id>/sppbj/terbitkan/",
        views.letter_issue_view,
        name="letter_issue",
    ),
    path(
        "staf/paket/<int:package_id>/sppbj/surat.pdf",
        views.staff_letter_view,
        name="staff_letter",
    ),
    path(
        "staf/paket/<int:package_id>/kontrak/", views.contract_record_view, name="contract_record"
    ),
    path("perusahaan/tender/<int:code>/sppbj/", views.vendor_award_view, name="vendor_award"),
    path(
        "perusahaan/tender/<int:code>/sppbj/surat.pdf",
        views.vendor_letter_view,
        name="vendor_letter",
    ),
]
