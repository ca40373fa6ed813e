"""The worker's side of the anonymous email requests (services/requests.py): look the
account up and send the email, or not."""

from django.db import transaction

from inaproc.accounts.models import EmailRequestKind
from inaproc.accounts.selectors import account_for_username, lock_until
from inaproc.accounts.services import passwords
from inaproc.accounts.services.login_codes import email_code_issue, login_code_issue
from inaproc.portals.models import Portal


def account_email_request_handle(*, portal_id: int, kind: str, identifier: str) -> str:
    portal = Portal.objects.filter(pk=portal_id, is_active=True).first()
    if portal is None:
        return "no-portal"
    handler = _HANDLERS.get(kind)
    if handler is None:
        return "unknown-kind"
    with transaction.atomic():
        return handler(portal, identifier)


def _login_code(portal: Portal, identifier: str) -> str:
    user = account_for_username(portal=portal, username=identifier)
    if user is None or lock_until(portal=portal, username=identifier):
        return "skipped"
    return "sent" if login_code_issue(user=user) else "skipped"


def _form_code(purpose: str):
    def handle(portal: Portal, identifier: str) -> str:
        sent = email_code_issue(portal=portal, purpose=purpose, email=identifier)
        return "sent" if sent else "skipped"

    return handle


# The form each kind of form code is for (EmailCode.purpose).
FORM_CODE_KINDS = {
    "registration": EmailRequestKind.REGISTRATION_CODE,
    "ticket": EmailRequestKind.TICKET_CODE,
}

_HANDLERS = {
    EmailRequestKind.LOGIN_CODE: _login_code,
    **{kind: _form_code(purpose) for purpose, kind in FORM_CODE_KINDS.items()},
    EmailRequestKind.PASSWORD_RESET: passwords.password_reset_request_handle,
    EmailRequestKind.USERNAME_REMINDER: passwords.username_reminder_handle,
}
