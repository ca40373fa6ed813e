from django.urls import path

from inaproc.accounts.views import activity, login, login_code, passwords, sessions

app_name = "accounts"

urlpatterns = [
    path("masuk/", login.login_view, name="login"),
    path("masuk/kode/", login_code.code_request_view, name="login_code_request"),
    path("masuk/kode/verifikasi/", login_code.code_login_view, name="login_code"),
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
