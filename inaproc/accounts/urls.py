from django.urls import path

from inaproc.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("sudah-keluar/", views.logged_out_view, name="logged_out"),
    path("dasbor/", views.dashboard_view, name="dashboard"),
]
