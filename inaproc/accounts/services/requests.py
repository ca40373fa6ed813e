"""Requests by anonymous visitors for an email about an account. The view only
enqueues; the worker looks the account up and sends (or not), so nothing in the
response tells whether the account exists."""

from django.db import transaction
from django.db.models import TextChoices

from inaproc.accounts.models import AccountEmailRequest, User
from inaproc.accounts.usernames import username_normalize
from inaproc.portals.models import Portal


class EmailRequestKind(TextChoices):
    LOGIN_CODE = "login_code"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of request, not a secret)
    USERNAME_REMINDER = "username_reminder"


def account_email_request(
    *, portal: Portal, kind: str, identifier: str, language: str, ip_address: str | None
) -> None:
    """Record the request and queue it; it is handled after the surrounding
    transaction commits."""
    from inaproc.accounts.tasks import handle_account_email_request

    AccountEmailRequest.objects.create(portal=portal, kind=kind, ip_address=ip_address)
    identifier = identifier.strip()[:254]
    transaction.on_commit(
        lambda: handle_account_email_request.enqueue(
            portal_id=portal.pk, kind=kind, identifier=identifier, language=language
        )
    )


def account_email_request_handle(*, portal_id: int, kind: str, identifier: str) -> str:
    portal = Portal.objects.filter(pk=portal_id, is_active=True).first()
    if portal is None:
        return "no-portal"
    handler = _handler(kind)
    if handler is None:
        return "unknown-kind"
    with transaction.atomic():
        return handler(portal, identifier)


def _login_code(portal: Portal, identifier: str) -> str:
    from inaproc.accounts.selectors import lock_until
    from inaproc.accounts.services.login_codes import login_code_issue

    user = _user_by_username(portal, identifier)
    if user is None or lock_until(portal=portal, username=identifier):
        return "skipped"
    return "sent" if login_code_issue(user=user) else "skipped"


def _user_by_username(portal: Portal, identifier: str) -> User | None:
    return User.objects.filter(
        portal=portal, username__iexact=username_normalize(identifier)
    ).first()


def _handler(kind: str):
    from inaproc.accounts.services import passwords

    return {
        EmailRequestKind.LOGIN_CODE: _login_code,
        EmailRequestKind.PASSWORD_RESET: passwords.password_reset_request_handle,
        EmailRequestKind.USERNAME_REMINDER: passwords.username_reminder_handle,
    }.get(kind)
