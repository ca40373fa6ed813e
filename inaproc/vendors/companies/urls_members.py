"""The company's own users (delegated staff accounts), mounted by vendors.companies.urls."""

from django.urls import path

from inaproc.vendors.companies.views import members

urlpatterns = [
    # The company's administrators: the users, invitations, roles and suspensions.
    path("perusahaan/pengguna/", members.members_view, name="members"),
    path("perusahaan/pengguna/undang/", members.invite_view, name="member_invite"),
    path(
        "perusahaan/pengguna/<int:member_id>/peran/",
        members.member_role_view,
        name="member_role",
    ),
    path(
        "perusahaan/pengguna/<int:member_id>/tangguhkan/",
        members.member_suspend_view,
        name="member_suspend",
    ),
    path(
        "perusahaan/pengguna/<int:member_id>/aktifkan/",
        members.member_reactivate_view,
        name="member_reactivate",
    ),
    path(
        "perusahaan/pengguna/<int:member_id>/hapus/",
        members.member_remove_view,
        name="member_remove",
    ),
    path(
        "perusahaan/pengguna/undangan/<int:invitation_id>/batalkan/",
        members.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "perusahaan/pengguna/undangan/<int:invitation_id>/kirim-ulang/",
        members.invitation_resend_view,
        name="invitation_resend",
    ),
    # The invitee: the emailed link (its token moves into the session), then the page
    # where they choose a username and password.
    path(
        "perusahaan/undangan/<str:token>/",
        members.invitation_link_view,
        name="invitation_link",
    ),
    path("perusahaan/undangan/", members.invitation_accept_view, name="invitation_accept"),
]
