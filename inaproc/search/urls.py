"""A vendor's saved searches, inside a portal (/<slug>/pencarian-tersimpan/…); the
national search itself is the platform root (config/urls.py)."""

from django.urls import path

from inaproc.search import views

app_name = "search"

urlpatterns = [
    path("pencarian-tersimpan/", views.saved_list_view, name="saved_list"),
    path("pencarian-tersimpan/simpan/", views.saved_new_view, name="saved_new"),
    path("pencarian-tersimpan/<int:pk>/hapus/", views.saved_delete_view, name="saved_delete"),
]
