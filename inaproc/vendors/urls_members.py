"""The company's own users (delegated staff accounts), mounted by vendors.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
