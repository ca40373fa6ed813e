"""Password reset, change and the "this wasn't me" response: the links, and what
completing each one does to locks, sessions and the owner's mailbox."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from inaproc.accounts.links import password_reset_link
from inaproc.accounts.models import SessionEndReason, User
from inaproc.accounts.services.emails import account_email_allowed, account_email_send
from inaproc.accounts.services.sessions import sessions_end_all
from inaproc.accounts.services.signin import lock_clear
from inaproc.accounts.services.users import password_validate
from inaproc.accounts.tokens import password_reset_token
from inaproc.accounts.usernames import username_normalize
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url

RESET_EMAIL = "accounts/email/password_reset"
REMINDER_EMAIL = "accounts/email/username_reminder"
CHANGED_EMAIL = "accounts/email/password_changed"


# ---------------------------------------------------------------------------
# Worker side of the anonymous forms (inaproc.accounts.services.request_handlers)
# ---------------------------------------------------------------------------


def _accounts_by_username_or_email(portal: Portal, identifier: str) -> QuerySet[User]:
    username = username_normalize(identifier)
    return User.objects.filter(portal=portal).filter(
        Q(username__iexact=username) | Q(email__iexact=identifier)
    )


def password_reset_request_handle(portal: Portal, identifier: str) -> str:
    """Email a reset link to every account of `portal` whose username or email is
    `identifier`, active or not, unless its address already got too many this hour."""
    if not identifier:
        return "skipped"
    sent = 0
    for user in _accounts_by_username_or_email(portal, identifier).order_by("pk"):
        if not account_email_allowed(to=user.email, template=RESET_EMAIL):
            continue
        account_email_send(
            user=user,
            template=RESET_EMAIL,
            context={
                "reset_url": password_reset_link(user),
                "minutes": password_reset_token.max_age_seconds(user) // 60,
                "request_url": portal_absolute_url(portal, "accounts:password_reset"),
            },
        )
        sent += 1
    return f"sent {sent}" if sent else "skipped"


def username_reminder_handle(portal: Portal, identifier: str) -> str:
    """Email, once, every username of `portal` registered with the address `identifier`."""
    if not identifier:
        return "skipped"
    users = list(User.objects.filter(portal=portal, email__iexact=identifier).order_by("username"))
    if not users:
        return "skipped"
    if not account_email_allowed(to=users[0].email, template=REMINDER_EMAIL):
        return "rate-limited"
    account_email_send(
        user=users[0],
        template=REMINDER_EMAIL,
        context={
            "usernames": [user.username for user in users],
            "reset_request_url": portal_absolute_url(portal, "accounts:password_reset"),
        },
    )
    return "sent 1"


# ---------------------------------------------------------------------------
# Setting a new password
# ---------------------------------------------------------------------------


def _password_check(*, user: User, password: str) -> None:
    try:
        password_validate(password=password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def _password_changed_notify(user: User, context: AuditContext | None) -> None:
    account_email_send(
        user=user,
        template=CHANGED_EMAIL,
        context={
            "at": timezone.now(),
            "ip_address": (context.ip_address if context is not None else None) or "-",
            "reset_request_url": portal_absolute_url(user.portal, "accounts:password_reset"),
        },
    )


def _password_replace(
    *, user: User, password: str, verb: str, reason: str, except_key: str | None, context
) -> None:
    """Set the new password, end the account's sessions (but `except_key`), audit it
    and tell the owner. Runs inside the caller's transaction."""
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = sessions_end_all(user=user, reason=reason, except_key=except_key)
    audit_record(
        actor=user,
        verb=verb,
        target=user,
        portal=user.portal,
        payload={"sessions_ended": ended},
        context=context,
    )
    _password_changed_notify(user, context)


def password_reset_complete(
    *, user: User, password: str, context: AuditContext | None = None
) -> None:
    """The owner of the mailbox set a new password through a reset link: the lock on
    the username ends, every session of the account ends, the owner is told."""
    _password_check(user=user, password=password)
    with transaction.atomic():
        lock_clear(portal=user.portal, username=user.username)
        _password_replace(
            user=user,
            password=password,
            verb="account.password_reset",
            reason=SessionEndReason.PASSWORD_RESET,
            except_key=None,
            context=context,
        )


def password_change(
    *, user: User, current_session_key: str, password: str, context: AuditContext | None = None
) -> None:
    """A signed-in user changed their password: every other session of the account ends,
    the owner is told. The caller keeps this browser signed in under a new key
    (flows.passwords.password_change_in_session, with `user_session_rekey`)."""
    _password_check(user=user, password=password)
    with transaction.atomic():
        _password_replace(
            user=user,
            password=password,
            verb="account.password_changed",
            reason=SessionEndReason.PASSWORD_CHANGED,
            except_key=current_session_key,
            context=context,
        )


def account_secure_after_not_me(*, user: User, context: AuditContext | None = None) -> str:
    """The owner says a sign-in was not theirs: every session ends and the password
    stops working (which also kills the "not me" link). Returns a fresh reset token,
    so that the owner, who proved the mailbox is theirs, sets a new password at once."""
    with transaction.atomic():
        ended = sessions_end_all(user=user, reason=SessionEndReason.NOT_ME)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(
            actor=user,
            verb="account.reported_not_me",
            target=user,
            portal=user.portal,
            payload={"sessions_ended": ended},
            context=context,
        )
    return password_reset_token.make_token(user)
