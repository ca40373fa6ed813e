"""Accounts: portal-scoped users, sign-in attempts and lockout state, sessions."""

from inaproc.accounts.models.factors import Passkey, RecoveryCode, RememberedBrowser
from inaproc.accounts.models.sessions import SessionEndReason, UserSession
from inaproc.accounts.models.signin import (
    AccountEmailRequest,
    EmailCode,
    EmailRequestKind,
    LoginAttempt,
    LoginCode,
    LoginMethod,
    LoginOutcome,
    UsernameLock,
)
from inaproc.accounts.models.users import (
    OFFICIAL_ROLES,
    PORTAL_STAFF_ROLES,
    Role,
    StaffRole,
    User,
    UserManager,
)

__all__ = [
    "Passkey",
    "RecoveryCode",
    "RememberedBrowser",
    "AccountEmailRequest",
    "EmailCode",
    "EmailRequestKind",
    "OFFICIAL_ROLES",
    "PORTAL_STAFF_ROLES",
    "LoginAttempt",
    "LoginCode",
    "LoginMethod",
    "LoginOutcome",
    "Role",
    "SessionEndReason",
    "StaffRole",
    "User",
    "UserManager",
    "UserSession",
    "UsernameLock",
]
