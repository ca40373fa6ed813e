"""Requests by anonymous visitors for an email about an account. The view only
enqueues; the worker looks the account up and sends (or not), so nothing in the
response tells whether the account exists. The worker's side is in
services/request_handlers.py."""

from django.db import transaction

from inaproc.accounts.models import AccountEmailRequest
from inaproc.accounts.tasks import handle_account_email_request
from inaproc.portals.models import Portal


def account_email_request(
    *, portal: Portal, kind: str, identifier: str, language: str, ip_address: str | None
) -> None:
    """Record the request and queue it; it is handled after the surrounding
    transaction commits."""
    AccountEmailRequest.objects.create(portal=portal, kind=kind, ip_address=ip_address)
    identifier = identifier.strip()[:254]
    transaction.on_commit(
        lambda: handle_account_email_request.enqueue(
            portal_id=portal.pk, kind=kind, identifier=identifier, language=language
        )
    )
