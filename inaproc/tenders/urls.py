"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path

from inaproc.tenders.views import dashboards, packages

app_name = "tenders"

urlpatterns: list = [
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
]
