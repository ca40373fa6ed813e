from django.urls import path

from inaproc.accounts.views import (
    activity,
    factors,
    login,
    login_code,
    passkeys,
    passwords,
    portal_settings,
    second_factor,
    sessions,
    staff,
)

app_name = "accounts"

urlpatterns = [
    path("masuk/", login.login_view, name="login"),
    path("masuk/kode/", login_code.code_request_view, name="login_code_request"),
    path("masuk/kode/verifikasi/", login_code.code_login_view, name="login_code"),
    # Second factors: the second step of signing in, passkey sign-in, step-up
    path("masuk/faktor-kedua/", second_factor.second_factor_view, name="second_factor"),
    path("masuk/passkey/opsi/", passkeys.login_options_view, name="passkey_login_options"),
    path("masuk/passkey/", passkeys.login_view, name="passkey_login"),
    path("akun/konfirmasi-faktor/", second_factor.step_up_view, name="step_up"),
    # Managing one's second factors
    path("akun/faktor-kedua/", factors.factors_view, name="factors"),
    path("akun/faktor-kedua/aplikasi/", factors.totp_enrol_view, name="totp_enrol"),
    path("akun/faktor-kedua/aplikasi/hapus/", factors.totp_remove_view, name="totp_remove"),
    path("akun/faktor-kedua/kode-pemulihan/", factors.recovery_codes_view, name="recovery_codes"),
    path(
        "akun/faktor-kedua/passkey/opsi/",
        passkeys.register_options_view,
        name="passkey_register_options",
    ),
    path("akun/faktor-kedua/passkey/", passkeys.register_view, name="passkey_register"),
    path(
        "akun/faktor-kedua/passkey/<int:passkey_id>/hapus/",
        passkeys.remove_view,
        name="passkey_remove",
    ),
    path(
        "staf/pengaturan/faktor-kedua/",
        portal_settings.portal_factor_settings_view,
        name="portal_factor_settings",
    ),
    path("staf/pengaturan/kontak/", portal_settings.portal_contacts_view, name="portal_contacts"),
    # The portal's staff, managed by its administrator; the invited person's link
    path("staf/pengguna/", staff.staff_list_view, name="staff_list"),
    path("staf/pengguna/undang/", staff.staff_invite_view, name="staff_invite"),
    path("staf/pengguna/<int:staff_id>/peran/", staff.staff_roles_view, name="staff_roles"),
    path(
        "staf/pengguna/<int:staff_id>/nonaktifkan/",
        staff.staff_deactivate_view,
        name="staff_deactivate",
    ),
    path(
        "staf/pengguna/<int:staff_id>/aktifkan/",
        staff.staff_reactivate_view,
        name="staff_reactivate",
    ),
    path(
        "undangan-staf/<uidb64>/<token>/",
        staff.staff_invitation_accept_view,
        name="staff_invitation_accept",
    ),
    path("keluar/", login.logout_view, name="logout"),
    path("sudah-keluar/", login.logged_out_view, name="logged_out"),
    path("dasbor/", login.dashboard_view, name="dashboard"),
    # Password reset, forgotten username, password change, "this wasn't me"
    path("lupa-kata-sandi/", passwords.password_reset_request_view, name="password_reset"),
    path(
        "lupa-kata-sandi/terkirim/",
        passwords.password_reset_sent_view,
        name="password_reset_sent",
    ),
    path(
        "atur-ulang-kata-sandi/<uidb64>/<token>/",
        passwords.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path(
        "atur-ulang-kata-sandi/selesai/",
        passwords.password_reset_done_view,
        name="password_reset_done",
    ),
    path("lupa-nama-pengguna/", passwords.username_reminder_view, name="username_reminder"),
    path("akun/kata-sandi/", passwords.password_change_view, name="password_change"),
    path("bukan-saya/<uidb64>/<token>/", passwords.not_me_view, name="not_me"),
    # Sessions and login activity
    path("akun/sesi/", sessions.session_list_view, name="sessions"),
    path("akun/sesi/<int:session_id>/akhiri/", sessions.session_end_view, name="session_end"),
    path(
        "akun/sesi/akhiri-lainnya/", sessions.sessions_end_others_view, name="sessions_end_others"
    ),
    path("akun/aktivitas-masuk/", activity.login_activity_view, name="login_activity"),
]
