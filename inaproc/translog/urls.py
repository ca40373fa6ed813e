from django.urls import path

from inaproc.translog import views

app_name = "translog"

urlpatterns = [
    path(".well-known/inaproc-keys.json", views.keys_view, name="keys"),
    path("log/tree-head", views.tree_head_view, name="tree_head"),
    path("log/entries", views.entries_view, name="entries"),
    path("log/inclusion", views.inclusion_view, name="inclusion"),
    path("log/consistency", views.consistency_view, name="consistency"),
    path("tanda-terima/verifikasi/", views.receipt_verify_view, name="receipt_verify"),
]
