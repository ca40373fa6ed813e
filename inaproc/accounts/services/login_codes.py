"""One-time codes sent by email: the way in without the image CAPTCHA (WCAG 2.2
SC 3.3.8). The code replaces the CAPTCHA, not the password, and its attempts count
towards the same lockout and address throttling as any other sign-in."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from inaproc.accounts.models import LoginCode, User
from inaproc.accounts.services.emails import account_email_allowed, account_email_send

LOGIN_CODE_TEMPLATE = "accounts/email/login_code"
LOGIN_CODE_DIGITS = 6


def _code_hash(user: User, code: str) -> str:
    return salted_hmac("inaproc.accounts.login_code", f"{user.pk}:{code}").hexdigest()


def login_code_issue(*, user: User) -> bool:
    """Email `user` a fresh code, unless their mailbox had enough of them this hour."""
    if not user.is_active or not account_email_allowed(to=user.email, template=LOGIN_CODE_TEMPLATE):
        return False
    code = f"{secrets.randbelow(10**LOGIN_CODE_DIGITS):0{LOGIN_CODE_DIGITS}d}"
    now = timezone.now()
    minutes = settings.LOGIN_CODE_MINUTES
    LoginCode.objects.create(
        user=user,
        code_hash=_code_hash(user, code),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    account_email_send(
        user=user, template=LOGIN_CODE_TEMPLATE, context={"code": code, "minutes": minutes}
    )
    return True


def login_code_consume(*, user: User, code: str) -> bool:
    """True, once, for a code sent to `user` that has not expired or been used."""
    code = "".join(code.split())
    now = timezone.now()
    candidates = LoginCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now)
    for candidate in candidates:
        if constant_time_compare(candidate.code_hash, _code_hash(user, code)):
            # The conditional UPDATE makes a code single-use under concurrency.
            return bool(
                LoginCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(used_at=now)
            )
    return False
