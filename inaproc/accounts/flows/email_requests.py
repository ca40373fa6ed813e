"""The per-address throttle of account emails (login code, password reset, username
reminder): refused with a message on the form and a 429."""

from django.http import HttpRequest, HttpResponse

from inaproc.accounts.forms.login import requests_throttled_message
from inaproc.accounts.selectors import account_email_request_retry_after
from inaproc.core.http import client_ip, retry_later


def email_request_throttle(request: HttpRequest, form) -> int:
    """0, or the seconds this address must wait before asking for another account email
    (the form then carries the message, and `refused_response` makes it a 429)."""
    retry = account_email_request_retry_after(portal=request.portal, ip_address=client_ip(request))
    if retry:
        form.add_error(None, requests_throttled_message(retry))
        form.retry_after = retry
    return retry


def refused_response(response: HttpResponse, form) -> HttpResponse:
    """A throttled address gets 429 with Retry-After; every other refusal is a 200."""
    return retry_later(response, getattr(form, "retry_after", 0))
