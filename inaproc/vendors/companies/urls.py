"""The active vendor's company: data, contacts, change requests, users, documents;
mounted by vendors.urls under the `vendors` namespace."""

from django.urls import include, path

from inaproc.vendors.companies.views import changes, company, contacts, documents

urlpatterns = [  # The active vendor's company.
    path("perusahaan/", company.company_view, name="company"),
    # Its administrator: contact data at once, critical data through a change request.
    path("perusahaan/kontak/", contacts.contact_view, name="company_contact"),
    path("perusahaan/kontak/email/", contacts.email_change_view, name="company_email_change"),
    path("perusahaan/kontak/email-akun/", contacts.account_email_view, name="account_email"),
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
    # The company's users: invitations, roles, suspension (urls_members).
    path("", include("inaproc.vendors.companies.urls_members")),
    # Documents, for the company's users and the portal's staff only.
    path("dokumen/<uuid:public_id>/", documents.document_view, name="document"),
]
