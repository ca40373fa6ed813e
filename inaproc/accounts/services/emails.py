from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from inaproc.accounts.models import User
from inaproc.notifications.models import Email
from inaproc.notifications.services import email_send
from inaproc.portals.urls_helpers import portal_absolute_url


def account_email_send(*, user: User, template: str, context: dict[str, Any]) -> Email:
    """An email about `user`'s account, with the greeting and login link filled in."""
    return email_send(
        to=user.email,
        portal=user.portal,
        template=template,
        context={
            "full_name": user.full_name or user.username,
            "username": user.username,
            "login_url": portal_absolute_url(user.portal, "accounts:login"),
            **context,
        },
    )


def account_email_allowed(*, to: str, template: str) -> bool:
    """False once `to` got ACCOUNT_EMAILS_PER_HOUR emails of this kind in the last hour:
    a reset or code form cannot be used to flood someone's mailbox."""
    since = timezone.now() - timedelta(hours=1)
    sent = Email.objects.filter(to__iexact=to, template=template, created_at__gt=since).count()
    return sent < settings.ACCOUNT_EMAILS_PER_HOUR
