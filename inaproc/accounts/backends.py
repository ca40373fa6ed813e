from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from inaproc.accounts.models import User
from inaproc.accounts.selectors import account_for_username


class PortalBackend(ModelBackend):
    """Authenticates against the accounts of the request's portal only.

    Platform pages (no portal) authenticate platform-level accounts only. Without a
    request there is no portal, so nothing authenticates.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if request is None or username is None or password is None:
            return None
        portal = getattr(request, "portal", None)
        user = account_for_username(portal=portal, username=username)
        if user is None:
            # Spend the same hashing time as for a real account (no timing oracle).
            User().set_password(password)
            return None
        # An inactive account with the right password is returned too: the login form
        # records it as "inactive" (not as a failure) and refuses it with the same
        # message as a wrong password. Sessions still need an active account (get_user).
        return user if user.check_password(password) else None

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.select_related("portal").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
