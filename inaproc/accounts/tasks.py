"""Emails asked for by anonymous visitors (reset link, username reminder, login code)
are decided in the worker: the page answers at once, the same way and in the same
time whether or not the account exists."""

from django.utils import translation
from django_tasks import task

from inaproc.accounts.services.request_handlers import account_email_request_handle


@task()
def handle_account_email_request(
    *, portal_id: int, kind: str, identifier: str, language: str
) -> str:
    with translation.override(language):
        return account_email_request_handle(portal_id=portal_id, kind=kind, identifier=identifier)
