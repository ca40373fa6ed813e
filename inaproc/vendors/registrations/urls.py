"""Registration, confirmation, the applicant's status, and the verifiers' pages; mounted
by vendors.urls under the `vendors` namespace."""

from django.urls import path

from inaproc.vendors.registrations.views import registration, registration_status, review

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
    path("pendaftaran/status/email/", registration_status.email_correct_view, name="email_correct"),
    path("pendaftaran/perbaiki/", registration_status.resubmit_view, name="resubmit"),
    # Verifiers.
    path("staf/verifikasi/", review.queue_view, name="queue"),
    path("staf/verifikasi/<int:registration_id>/", review.review_view, name="review"),
    path(
        "staf/verifikasi/perubahan/<int:change_id>/",
        review.change_review_view,
        name="change_review",
    ),
]
