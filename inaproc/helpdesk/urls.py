from django.urls import path

from inaproc.helpdesk import views

app_name = "helpdesk"

urlpatterns = [
    path("kunci/", views.lock_list_view, name="locks"),
    path("kunci/buka/", views.unlock_view, name="unlock"),
    path("pengguna/", views.user_search_view, name="user_search"),
    path("pengguna/<int:user_id>/aktivitas/", views.user_activity_view, name="user_activity"),
    path("pengguna/<int:user_id>/faktor/reset/", views.factor_reset_view, name="factor_reset"),
]
