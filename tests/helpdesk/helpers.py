from django.conf import settings

from inaproc.accounts.services.sessions import session_open
from inaproc.core.http import ClientInfo


def staff_login(client, user) -> None:
    """Sign `user` in without the login form, with the session record that the
    session-timeout middleware requires of every signed-in request. Pages are asked
    for in English, so that assertions on texts do not depend on the translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    session_open(
        user=user,
        session_key=client.session.session_key,
        client=ClientInfo("127.0.0.1", "", "", ""),
    )
