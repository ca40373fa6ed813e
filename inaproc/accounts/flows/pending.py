"""The half-way sign-in: after the password (or emailed code) proved right, before the
second factor. The session holds only who is half-way in, for PENDING_LOGIN_MINUTES."""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inaproc.accounts.models import User

PENDING_LOGIN_KEY = "inaproc_pending_login"
PENDING_LOGIN_MINUTES = 5
REMEMBER_COOKIE = "inaproc_remember"


def remember_cookie_name(user: User) -> str:
    return f"{REMEMBER_COOKIE}_{user.portal_id}"


def pending_login_start(request: HttpRequest, user: User, *, method: str, next_url: str) -> None:
    """A new session key, holding only the account half-way in (no sign-in yet)."""
    request.session.cycle_key()
    request.session[PENDING_LOGIN_KEY] = {
        "user": user.pk,
        "portal": request.portal.pk,
        "method": method,
        "next": next_url,
        "until": (timezone.now() + timedelta(minutes=PENDING_LOGIN_MINUTES)).isoformat(),
    }


def pending_login(request: HttpRequest) -> tuple[User, dict] | None:
    """The account that passed the first step in this browser, if still in time."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict) or pending.get("portal") != request.portal.pk:
        return None
    until = parse_datetime(str(pending.get("until", "")))
    if until is None or until <= timezone.now():
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None
    user = User.objects.filter(
        pk=pending.get("user"), portal=request.portal, is_active=True
    ).first()
    return (user, pending) if user is not None else None


def pending_login_end(request: HttpRequest) -> None:
    request.session.pop(PENDING_LOGIN_KEY, None)
