"""One-time codes sent by email: the way in without the image CAPTCHA (WCAG 2.2
SC 3.3.8). The code replaces the CAPTCHA, not the password, and its attempts count
towards the same lockout and address throttling as any other sign-in.

The same machinery serves the forms with a CAPTCHA that have no account yet
(registration, a new ticket): `email_code_issue`/`email_code_check`/`email_code_consume`
send a code to the address typed in the form (EmailCode). Shared: the code's shape,
its keyed hash, its lifetime (LOGIN_CODE_MINUTES), the mailbox limit
(ACCOUNT_EMAILS_PER_HOUR, `account_email_allowed`), the per-address limit on asking
(ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS, the view's `email_request_throttle`), the queue that
sends it (services/requests.py) and the single use under concurrency."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from inaproc.accounts.models import EmailCode, LoginCode, User
from inaproc.accounts.services.emails import account_email_allowed, account_email_send
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal

LOGIN_CODE_TEMPLATE = "accounts/email/login_code"
EMAIL_CODE_TEMPLATE = "accounts/email/form_code"
LOGIN_CODE_DIGITS = 6
# Wrong tries a form code survives: a sign-in code's tries count towards the username's
# lockout (5 by default); a form has no username, so each code counts its own.
EMAIL_CODE_ATTEMPTS = 5


def _code_new() -> str:
    return f"{secrets.randbelow(10**LOGIN_CODE_DIGITS):0{LOGIN_CODE_DIGITS}d}"


def _code_hash(subject: str, code: str) -> str:
    return salted_hmac("inaproc.accounts.login_code", f"{subject}:{code}").hexdigest()


def _code_match(candidates: QuerySet, subject: str, code: str):
    """The candidate row whose hash is the code's, or None."""
    digest = _code_hash(subject, "".join(code.split()))
    for candidate in candidates:
        if constant_time_compare(candidate.code_hash, digest):
            return candidate
    return None


def _use(model, pk: int) -> bool:
    # The conditional UPDATE makes a code single-use under concurrency.
    now = timezone.now()
    return bool(model.objects.filter(pk=pk, used_at__isnull=True).update(used_at=now))


def _expiry() -> tuple:
    now = timezone.now()
    return now, now + timedelta(minutes=settings.LOGIN_CODE_MINUTES)


# ---------------------------------------------------------------------------
# Sign-in codes (an account)
# ---------------------------------------------------------------------------


def login_code_issue(*, user: User) -> bool:
    """Email `user` a fresh code, unless their mailbox had enough of them this hour."""
    if not user.is_active or not account_email_allowed(to=user.email, template=LOGIN_CODE_TEMPLATE):
        return False
    code = _code_new()
    now, expires = _expiry()
    LoginCode.objects.create(
        user=user, code_hash=_code_hash(str(user.pk), code), created_at=now, expires_at=expires
    )
    account_email_send(
        user=user,
        template=LOGIN_CODE_TEMPLATE,
        context={"code": code, "minutes": settings.LOGIN_CODE_MINUTES},
    )
    return True


def login_code_consume(*, user: User, code: str) -> bool:
    """True, once, for a code sent to `user` that has not expired or been used."""
    candidates = LoginCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    )
    match = _code_match(candidates, str(user.pk), code)
    return match is not None and _use(LoginCode, match.pk)


# ---------------------------------------------------------------------------
# Form codes (an address typed in a form without an account)
# ---------------------------------------------------------------------------


def _email_subject(portal: Portal, purpose: str, email: str) -> str:
    return f"{portal.pk}:{purpose}:{email.strip().lower()}"


def _email_candidates(*, portal: Portal, purpose: str, email: str) -> QuerySet:
    return EmailCode.objects.filter(
        portal=portal,
        purpose=purpose,
        email=email.strip().lower(),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        failed_attempts__lt=EMAIL_CODE_ATTEMPTS,
    )


def email_code_issue(*, portal: Portal, purpose: str, email: str) -> bool:
    """Email a fresh code to `email` for form `purpose`, unless that mailbox had enough
    of them this hour (the worker's side: the page says the same either way)."""
    email = email.strip().lower()
    if not email or not account_email_allowed(to=email, template=EMAIL_CODE_TEMPLATE):
        return False
    code = _code_new()
    now, expires = _expiry()
    EmailCode.objects.create(
        portal=portal,
        purpose=purpose,
        email=email,
        code_hash=_code_hash(_email_subject(portal, purpose, email), code),
        created_at=now,
        expires_at=expires,
    )
    email_send(
        to=email,
        portal=portal,
        template=EMAIL_CODE_TEMPLATE,
        context={"code": code, "minutes": settings.LOGIN_CODE_MINUTES, "purpose": purpose},
    )
    return True


def email_code_check(*, portal: Portal, purpose: str, email: str, code: str) -> bool:
    """Whether `code` is a live code sent to `email` for this form, without using it
    (the form may still fail elsewhere; `email_code_consume` uses it when it succeeds).
    A wrong code counts a try against every live code of the address."""
    candidates = _email_candidates(portal=portal, purpose=purpose, email=email)
    if _code_match(candidates, _email_subject(portal, purpose, email), code) is not None:
        return True
    candidates.update(failed_attempts=F("failed_attempts") + 1)
    return False


def email_code_consume(*, portal: Portal, purpose: str, email: str, code: str) -> bool:
    """True, once, for a live code sent to `email` for this form."""
    candidates = _email_candidates(portal=portal, purpose=purpose, email=email)
    match = _code_match(candidates, _email_subject(portal, purpose, email), code)
    return match is not None and _use(EmailCode, match.pk)
