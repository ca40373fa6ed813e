"""Asking for an emailed code instead of the image, from a form without an account
(forms/human_proof.py): the address typed in the form's `email` field, the same
per-address throttle and queue as the sign-in code, and the same answer whether or not
the address belongs to anyone."""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inaproc.accounts.forms.human_proof import EMAIL_CODE_REQUEST, PROOF_BY_CODE, PROOF_FIELD
from inaproc.accounts.forms.login import requests_throttled_message
from inaproc.accounts.selectors import account_email_request_retry_after
from inaproc.accounts.services.request_handlers import FORM_CODE_KINDS
from inaproc.accounts.services.requests import account_email_request
from inaproc.core.http import client_ip
from inaproc.portals.http import PortalRequest


def email_code_requested(request: HttpRequest) -> bool:
    """The "email me a code" button posted the form: not a submit."""
    return request.method == "POST" and EMAIL_CODE_REQUEST in request.POST


def proof_by_code_posted(request: HttpRequest) -> bool:
    """The form was answered with an emailed code (it was shown in code mode)."""
    return request.method == "POST" and request.POST.get(PROOF_FIELD) == PROOF_BY_CODE


@dataclass
class CodeRequest:
    """What asking for a code came to: `sent_to` the address (queued), else `errors`
    to show by field, and `retry_after` seconds when the address is throttled."""

    sent_to: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    retry_after: int = 0


def email_code_request(request: PortalRequest, posted: forms.Form, *, purpose: str) -> CodeRequest:
    """Queue a code for the address in `posted`'s email field, unless it is not a valid
    address or this client address asked too often."""
    value = posted["email"].value()
    try:
        email = posted.fields["email"].clean(value)
    except ValidationError as error:
        message = _("Type your email address here first; the code is sent to it.")
        return CodeRequest(errors={"email": [*error.messages, message]})
    ip_address = client_ip(request)
    retry = account_email_request_retry_after(portal=request.portal, ip_address=ip_address)
    if retry:
        return CodeRequest(
            errors={"__all__": [requests_throttled_message(retry)]}, retry_after=retry
        )
    account_email_request(
        portal=request.portal,
        kind=FORM_CODE_KINDS[purpose],
        identifier=email,
        language=get_language(),
        ip_address=ip_address,
    )
    return CodeRequest(sent_to=email)
