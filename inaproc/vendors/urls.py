from django.urls import include, path

from inaproc.vendors.views import (
    changes,
    company,
    contacts,
    documents,
    registration,
    registration_status,
    review,
)

app_name = "vendors"

urlpatterns = [
    # Registration (public) and its email confirmation.
    path("pendaftaran/", registration.register_view, name="register"),
    path("pendaftaran/terkirim/", registration.registered_view, name="registered"),
    path("pendaftaran/kirim-ulang/", registration.resend_view, name="resend_confirmation"),
    path("pendaftaran/kbli/", registration.kbli_search_view, name="kbli_search"),
    path("pendaftaran/privasi/", registration.privacy_view, name="privacy"),
    path("pendaftaran/konfirmasi/<str:token>/", registration.confirm_link_view, name="confirm"),
    path("pendaftaran/konfirmasi/", registration.confirm_view, name="confirm_submit"),
    # The applicant before activation (after a correct password, or right after registering).
    path("pendaftaran/status/", registration_status.status_view, name="status"),
    path("pendaftaran/perbaiki/", registration_status.resubmit_view, name="resubmit"),
    # The active vendor's company.
    path("perusahaan/", company.company_view, name="company"),
    # Its administrator: contact data at once, critical data through a change request.
    path("perusahaan/kontak/", contacts.contact_view, name="company_contact"),
    path("perusahaan/kontak/email/", contacts.email_change_view, name="company_email_change"),
    path(
        "perusahaan/email/konfirmasi/<str:token>/",
        contacts.email_confirm_link_view,
        name="company_email_confirm",
    ),
    path(
        "perusahaan/email/konfirmasi/",
        contacts.email_confirm_view,
        name="company_email_confirm_submit",
    ),
    path("perusahaan/perubahan/", changes.change_request_view, name="change_request"),
    # The company's users: invitations, roles, suspension (vendors.urls_members).
    path("", include("inaproc.vendors.urls_members")),
    # Documents, for the company's users and the portal's staff only.
    path("dokumen/<uuid:public_id>/", documents.document_view, name="document"),
    # Verifiers.
    path("staf/verifikasi/", review.queue_view, name="queue"),
    path("staf/verifikasi/<int:registration_id>/", review.review_view, name="review"),
    path(
        "staf/verifikasi/perubahan/<int:change_id>/",
        review.change_review_view,
        name="change_review",
    ),
]
