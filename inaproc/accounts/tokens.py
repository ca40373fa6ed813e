"""Single-use links sent by email, made by Django's token generator: a token is bound
to the account's current password hash (and, for resets, its last login), so it stops
working as soon as the password changes."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class _ExpiringTokenGenerator(PasswordResetTokenGenerator):
    def max_age_seconds(self, user) -> int:
        return settings.PASSWORD_RESET_TIMEOUT

    def check_token(self, user, token) -> bool:
        if not (user and token and isinstance(token, str)):
            return False
        try:
            ts_b36, _hash = token.split("-")
            issued = base36_to_int(ts_b36)
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, s), token)
            for s in secrets
        ):
            return False
        age = self._num_seconds(self._now()) - issued
        return 0 <= age <= self.max_age_seconds(user)


class PortalPasswordResetTokenGenerator(_ExpiringTokenGenerator):
    """Reset links that live as long as the account's portal allows (at most 1 hour)."""

    key_salt = "inaproc.accounts.tokens.PasswordReset"

    def max_age_seconds(self, user) -> int:
        if user.portal is None:
            return settings.PASSWORD_RESET_TIMEOUT
        return min(settings.PASSWORD_RESET_TIMEOUT, user.portal.password_reset_minutes * 60)


class NotMeTokenGenerator(_ExpiringTokenGenerator):
    """The "this wasn't me" link of a new-device alert: valid for a week, dead once the
    password changes (which using it does)."""

    key_salt = "inaproc.accounts.tokens.NotMe"

    def max_age_seconds(self, user) -> int:
        return 7 * 24 * 60 * 60

    def _make_hash_value(self, user, timestamp: int) -> str:
        # Unlike a reset link, signing in again must not kill it: last_login is left out.
        return f"{user.pk}{user.password}{timestamp}{user.email}"


class StaffInvitationTokenGenerator(_ExpiringTokenGenerator):
    """The set-password link of a staff invitation: valid for STAFF_INVITATION_DAYS,
    dead once used (it is bound to the password, unusable until then, and the last login)."""

    key_salt = "inaproc.accounts.tokens.StaffInvitation"

    def max_age_seconds(self, user) -> int:
        return STAFF_INVITATION_DAYS * 24 * 60 * 60


STAFF_INVITATION_DAYS = 7
password_reset_token = PortalPasswordResetTokenGenerator()
not_me_token = NotMeTokenGenerator()
staff_invitation_token = StaffInvitationTokenGenerator()
