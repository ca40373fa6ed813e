"""The audit of staff opening a user's login activity."""

from django.db import transaction

from inaproc.accounts.models import User
from inaproc.audit.models import AuditEvent
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext


def login_activity_view_record(
    *, actor: User, user: User, page: int, context: AuditContext | None = None
) -> AuditEvent:
    """Record that staff member `actor` opened `user`'s login activity: that is access
    to someone's personal data, so each page view is audited."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            verb="login_activity.viewed",
            target=user,
            portal=user.portal,
            payload={"page": page},
            context=context,
        )
