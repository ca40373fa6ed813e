"""Reads for the helpdesk's account tools. Every query is scoped to one portal."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from inaproc.accounts.models import (
    LoginAttempt,
    LoginOutcome,
    Passkey,
    RememberedBrowser,
    User,
    UsernameLock,
)
from inaproc.accounts.services.factors import recovery_codes_left, totp_device
from inaproc.accounts.usernames import username_key
from inaproc.portals.models import Portal

# How far back the locked-usernames list counts failed attempts.
FAILURE_COUNT_HOURS = 24
USER_SEARCH_MIN_LENGTH = 3


def locked_username_list(
    *, portal: Portal, query: str = "", at: datetime | None = None
) -> QuerySet[UsernameLock]:
    """The usernames of `portal` locked now, newest lock first, each annotated with the
    account of that name (if any), its failed attempts of the last 24 hours and the
    address of its last failed attempt. `query` filters on "username contains"."""
    at = at or timezone.now()
    locks = UsernameLock.objects.filter(portal=portal, locked_until__gt=at)
    query = query.strip()
    if query:
        locks = locks.filter(username_key__contains=username_key(query))
    account = User.objects.annotate(key=Lower("username")).filter(
        portal=portal, key=OuterRef("username_key")
    )
    failures = LoginAttempt.objects.filter(
        portal=portal, username_key=OuterRef("username_key")
    ).exclude(outcome=LoginOutcome.SUCCESS)
    recent_failures = (
        failures.filter(created_at__gt=at - timedelta(hours=FAILURE_COUNT_HOURS))
        .order_by()
        .values("username_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return locks.annotate(
        account_id=Subquery(account.values("pk")[:1]),
        account_full_name=Subquery(account.values("full_name")[:1]),
        account_email=Subquery(account.values("email")[:1]),
        recent_failure_count=Coalesce(Subquery(recent_failures, output_field=IntegerField()), 0),
        last_failure_ip=Subquery(failures.order_by("-created_at", "-pk").values("ip_address")[:1]),
    ).order_by("-locked_at", "-pk")


def user_search(*, portal: Portal, query: str) -> QuerySet[User]:
    """Accounts of `portal` whose username (also as a normalised NPWP), email or full
    name contains `query`; nothing for fewer than three characters."""
    query = query.strip()
    if len(query) < USER_SEARCH_MIN_LENGTH:
        return User.objects.none()
    matches = (
        Q(username__icontains=query)
        | Q(username__icontains=username_key(query))
        | Q(email__icontains=query)
        | Q(full_name__icontains=query)
    )
    return User.objects.filter(portal=portal).filter(matches).order_by("username", "pk")


@dataclass(frozen=True)
class FactorStatus:
    """What second factors an account has, as the helpdesk sees it (never the secrets)."""

    app: bool
    passkeys: int
    recovery_codes_left: int
    remembered_browsers: int

    @property
    def any(self) -> bool:
        """Whether a reset would remove anything."""
        return bool(
            self.app or self.passkeys or self.recovery_codes_left or self.remembered_browsers
        )


def factor_status(*, user: User) -> FactorStatus:
    now = timezone.now()
    return FactorStatus(
        app=totp_device(user) is not None,
        passkeys=Passkey.objects.filter(user=user).count(),
        recovery_codes_left=recovery_codes_left(user),
        remembered_browsers=RememberedBrowser.objects.filter(user=user, expires_at__gt=now).count(),
    )
