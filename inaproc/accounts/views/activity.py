"""Placeholder: being written (login activity)."""

from django.http import Http404


def login_activity_view(request, *args, **kwargs):
    raise Http404
