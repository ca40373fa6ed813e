"""Writes of the accounts app. Callers import from the submodules; the account
lifecycle functions are re-exported here for the callers that predate the split."""

from inaproc.accounts.services.users import password_validate, user_create, user_set_password

__all__ = ["password_validate", "user_create", "user_set_password"]
