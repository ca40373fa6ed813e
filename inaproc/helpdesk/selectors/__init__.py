"""Reads of the helpdesk app. Every query is scoped to one portal."""

from inaproc.helpdesk.selectors.accounts import (
    FAILURE_COUNT_HOURS,
    USER_SEARCH_MIN_LENGTH,
    FactorStatus,
    factor_status,
    locked_username_list,
    user_search,
)

__all__ = [
    "FAILURE_COUNT_HOURS",
    "USER_SEARCH_MIN_LENGTH",
    "FactorStatus",
    "factor_status",
    "locked_username_list",
    "user_search",
]
