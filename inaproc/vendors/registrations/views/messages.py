"""Texts shared by the registration's email pages ("check your email", the confirmation
link, the status page)."""

from django.utils.translation import ngettext

from inaproc.core.timefmt import wait_minutes


def wait_message(seconds: int) -> str:
    """Too many confirmation links in the last hour: how long to wait."""
    minutes = wait_minutes(seconds)
    return ngettext(
        "Several links were sent in the last hour. Wait %(minutes)d minute before asking "
        "for another one, and look in your spam folder meanwhile.",
        "Several links were sent in the last hour. Wait %(minutes)d minutes before asking "
        "for another one, and look in your spam folder meanwhile.",
        minutes,
    ) % {"minutes": minutes}
