from inaproc.helpdesk.forms.accounts import (
    SEARCH_MAX_LENGTH,
    FactorResetForm,
    LockSearchForm,
    UnlockForm,
    UserSearchForm,
)

__all__ = ["SEARCH_MAX_LENGTH", "FactorResetForm", "LockSearchForm", "UnlockForm", "UserSearchForm"]
