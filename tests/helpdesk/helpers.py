from django.conf import settings

from tests.helpers import force_login_session


def staff_login(client, user):
    """Sign `user` in without the login form, as a finished sign-in through the second
    step leaves it (see `force_login_session`: staff are given an authenticator app).
    Pages are asked for in English, so that assertions on texts do not depend on the
    translation. Returns the session record."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return force_login_session(client, user)
