"""Placeholder: being written (active sessions)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


session_list_view = session_end_view = sessions_end_others_view = _todo
