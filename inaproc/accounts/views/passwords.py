"""Placeholder: being written (password reset, username reminder, change, not-me)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


password_reset_request_view = password_reset_sent_view = password_reset_confirm_view = _todo
password_reset_done_view = username_reminder_view = password_change_view = not_me_view = _todo
