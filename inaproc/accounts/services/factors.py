"""Second factors: an authenticator app (TOTP, django-otp), recovery codes and passkeys
(services/passkeys.py); which accounts must have one; the record of the last check in a
session (for step-up); remembered browsers; the helpdesk's reset. Every change is audited
and emailed to the account."""

import secrets
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.models import (
    Passkey,
    RecoveryCode,
    RememberedBrowser,
    Role,
    SessionEndReason,
    StaffRole,
    User,
    UserSession,
)
from inaproc.accounts.services.emails import account_email_send
from inaproc.accounts.services.sessions import sessions_end_all
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.notifications.services import email_send

# Recovery codes: 10 characters of a 31-letter alphabet without look-alikes (~50 bits).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
TOTP_NAME = "authenticator"


class LastRequiredFactorError(Exception):
    """Refused: the account must have a second factor and this is its only one (the
    caller words it for the factor at hand)."""


class FactorKind:
    TOTP = "totp"
    PASSKEY = "passkey"
    RECOVERY_CODES = "recovery_codes"


# --- Which accounts ---------------------------------------------------------------------


def second_factor_required(user: User) -> bool:
    """Staff must have a second factor; a company's administrators when their portal
    requires it of vendor administrators (settings.VENDOR_ADMIN_CHECK names the function
    that knows company roles, which accounts does not)."""
    if user.is_portal_staff or user.role == Role.OPERATOR:
        return True
    portal = user.portal
    if not (user.role == Role.VENDOR and portal and portal.require_second_factor_for_vendor_admins):
        return False
    return bool(import_string(settings.VENDOR_ADMIN_CHECK)(user))


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey. (Recovery codes stand in for a lost factor; on
    their own they are not one.)"""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def staff_roles_and_second_factor(user: User) -> tuple[list[str], bool]:
    """For portal staff on each request: the roles granted beyond `user.role`
    (`StaffRole`) and whether the account has a second factor (as has_second_factor),
    in one query instead of two (the enrolment check and the page's role checks). Read
    on every request: a factor reset or a role taken away counts from the next one."""
    with connection.cursor() as cursor:
        cursor.execute(_roles_and_factor_sql(), [user.pk, user.pk, user.pk])
        rows = [role for (role,) in cursor.fetchall()]
    # A row without a role: the second factor's (there is no NULL role).
    return [role for role in rows if role is not None], None in rows


@cache
def _roles_and_factor_sql() -> str:
    quote = connection.ops.quote_name
    names = {
        "roles": quote(StaffRole._meta.db_table),
        "totp": quote(TOTPDevice._meta.db_table),
        "passkeys": quote(Passkey._meta.db_table),
    }
    # The models' table names; the values are %s parameters.
    return (  # noqa: S608
        "SELECT role FROM {roles} WHERE user_id = %s"
        " UNION ALL SELECT NULL WHERE EXISTS"
        " (SELECT 1 FROM {totp} WHERE user_id = %s AND confirmed)"
        " OR EXISTS (SELECT 1 FROM {passkeys} WHERE user_id = %s)"
    ).format(**names)


def factor_removal_lock(user: User) -> None:
    """Inside a removal's transaction, first of all: lock the account's row, so that
    removals of the same account's factors run one after the other."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def factor_removal_guard(user: User) -> None:
    """Under `factor_removal_lock`: refuse to remove the last factor of an account that
    must have one (LastRequiredFactorError). Two requests removing the last two factors
    at once: the second counts after the first committed, sees one left, and stops."""
    if is_last_required_factor(user):
        raise LastRequiredFactorError


def is_last_required_factor(user: User) -> bool:
    """Whether removing one factor would leave an account that must have a second factor
    with none: it would be walked back to enrolment, and until then its password alone
    would open it (and let whoever holds the password enrol a factor of their own)."""
    if not second_factor_required(user):
        return False
    factors = int(totp_device(user) is not None) + Passkey.objects.filter(user=user).count()
    return factors <= 1


# --- The check in this session ---------------------------------------------------------


def second_factor_mark(*, user_session: UserSession | None) -> None:
    """This session has just passed a second-factor check (sign-in or step-up)."""
    if user_session is None:
        return
    user_session.second_factor_at = timezone.now()
    UserSession.objects.filter(pk=user_session.pk).update(
        second_factor_at=user_session.second_factor_at
    )


def second_factor_recent(*, user_session: UserSession | None) -> bool:
    """Whether this session checked the second factor in the last
    SECOND_FACTOR_STEP_UP_MINUTES (sensitive actions ask again otherwise)."""
    if user_session is None or user_session.second_factor_at is None:
        return False
    age = timezone.now() - user_session.second_factor_at
    return age <= timedelta(minutes=settings.SECOND_FACTOR_STEP_UP_MINUTES)


# --- Authenticator app (TOTP) ----------------------------------------------------------


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed device (a fresh secret); earlier unconfirmed ones are dropped.
    It counts only once a code from it is confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(
            user=user, name=TOTP_NAME, confirmed=False, tolerance=1, step=30, digits=6
        )


def totp_code_valid(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the device's current code (±1 step). django-otp remembers the
    last step used, so a code is accepted once. The device row is locked while checking,
    so two requests with the same code cannot both pass."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == device.digits):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return locked.verify_token(code)


def totp_enrolment_confirm(
    *, user: User, device_id: int, code: str, context: AuditContext | None = None
) -> bool:
    """Activate the pending device if `code` is right; it replaces any earlier app."""
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or not totp_code_valid(device, code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        _factor_changed(
            user=user, verb="second_factor.added", kind=FactorKind.TOTP, context=context
        )
    return True


def totp_remove(*, user: User, context: AuditContext | None = None) -> bool:
    """Remove the authenticator app. False if there was none; LastRequiredFactorError
    (nothing removed) when it is the only factor of an account that must have one."""
    with transaction.atomic():
        factor_removal_lock(user)
        if totp_device(user) is not None:
            factor_removal_guard(user)
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            _factor_changed(
                user=user, verb="second_factor.removed", kind=FactorKind.TOTP, context=context
            )
    return bool(deleted)


# --- Recovery codes ----------------------------------------------------------------------


def _recovery_hash(user: User, code: str) -> str:
    return salted_hmac(
        "inaproc.accounts.recovery_code", f"{user.pk}:{code}", algorithm="sha256"
    ).hexdigest()


def recovery_code_normalize(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_codes_generate(*, user: User, context: AuditContext | None = None) -> list[str]:
    """RECOVERY_CODE_COUNT new codes (shown once); the old ones stop working."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(settings.RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, code_hash=_recovery_hash(user, code)) for code in codes]
        )
        _factor_changed(
            user=user,
            verb="second_factor.recovery_codes_made",
            kind=FactorKind.RECOVERY_CODES,
            context=context,
        )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_code_use(*, user: User, code: str, context: AuditContext | None = None) -> bool:
    """Use one recovery code: it works once, and the owner is warned by email."""
    normalized = recovery_code_normalize(code)
    if len(normalized) != RECOVERY_CODE_LENGTH:
        return False
    with transaction.atomic():
        used = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(user, normalized), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            left = recovery_codes_left(user)
            audit_record(
                actor=user,
                verb="second_factor.recovery_code_used",
                target=user,
                portal=user.portal,
                payload={"left": left},
                context=context,
            )
            _factor_email(
                user=user, event="recovery_code_used", kind="", context=context, left=left
            )
    return bool(used)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- A second factor at sign-in -----------------------------------------------------------


def second_factor_code_check(
    *, user: User, code: str, context: AuditContext | None = None
) -> str | None:
    """Check a code typed at sign-in or step-up: the authenticator app's 6 digits, or a
    recovery code. Returns the factor kind that matched, or None."""
    device = totp_device(user)
    if device is not None and totp_code_valid(device, code):
        return FactorKind.TOTP
    if recovery_code_use(user=user, code=code, context=context):
        return FactorKind.RECOVERY_CODES
    return None


# --- Losing a factor: the helpdesk's reset --------------------------------------------


def second_factors_reset(
    *, user: User, actor: User, reason: str, context: AuditContext | None = None
) -> None:
    """After checking the user's identity, a helpdesk officer removes every second factor
    of the account (app, passkeys, recovery codes, remembered browsers). All sessions end;
    the user and the portal's administrators are emailed; the reason is audited."""
    if not reason.strip():
        raise ValueError("A reset needs a reason.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        RememberedBrowser.objects.filter(user=user).delete()
        sessions_end_all(user=user, reason=SessionEndReason.FACTORS_RESET)
        audit_record(
            actor=actor,
            verb="second_factor.reset",
            target=user,
            portal=user.portal,
            reason=reason.strip(),
            context=context,
        )
        # No "from" line: the request is the helpdesk officer's, not the account owner's.
        _factor_email(user=user, event="reset", kind="", context=None)
        admins = User.objects.filter(
            portal=user.portal, role=Role.PORTAL_ADMIN, is_active=True
        ).exclude(pk=user.pk)
        for admin in admins:
            email_send(
                to=admin.email,
                portal=user.portal,
                template="accounts/email/second_factor_reset_admin",
                context={
                    "admin_name": admin.full_name or admin.username,
                    "username": user.username,
                    "actor": actor.full_name or actor.username,
                    "reason": reason.strip(),
                    "at": timezone.now(),
                },
            )


# --- Audit and email of every change ----------------------------------------------------


def _factor_changed(
    *, user: User, verb: str, kind: str, context: AuditContext | None = None, name: str = ""
) -> None:
    audit_record(
        actor=user,
        verb=verb,
        target=user,
        portal=user.portal,
        payload={"kind": kind, **({"name": name} if name else {})},
        context=context,
    )
    event = verb.rsplit(".", 1)[1]
    _factor_email(user=user, event=event, kind=kind, context=context, name=name)


def _factor_email(
    *, user: User, event: str, kind: str, context: AuditContext | None = None, **extra
) -> None:
    client = context.client if context is not None else None
    account_email_send(
        user=user,
        template="accounts/email/second_factor_changed",
        context={
            "event": event,
            "kind": kind,
            "at": timezone.now(),
            "ip_address": client.ip_address if client else "",
            "browser": client.browser if client else "",
            **extra,
        },
    )
