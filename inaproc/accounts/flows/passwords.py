"""Changing the password while signed in: the service changes it and ends the other
sessions; this browser stays signed in under a new session key."""

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest

from inaproc.accounts.services.passwords import password_change
from inaproc.accounts.services.sessions import user_session_rekey
from inaproc.core.http import audit_context


def password_change_in_session(request: HttpRequest, *, password: str) -> None:
    """Raises ValidationError (nothing changed) for a password the policy refuses."""
    user, current_key = request.user, request.session.session_key
    with transaction.atomic():
        password_change(
            user=user,
            current_session_key=current_key,
            password=password,
            context=audit_context(request),
        )
        # A new session key and hash for this browser; its session record follows the key.
        update_session_auth_hash(request, user)
        user_session_rekey(old_key=current_key, new_key=request.session.session_key)
