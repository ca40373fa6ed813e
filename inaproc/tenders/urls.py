"""The tender pages of a portal: public pages without an account, the officials' pages
under staf/, the vendors' under tender/."""

from django.urls import path  # noqa: F401

app_name = "tenders"

urlpatterns: list = []
