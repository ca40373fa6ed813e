"""One-time messages are kept in the session: no `messages` cookie is ever set, for a
signed-in user or for an anonymous visitor, and the message still shows on the next page."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import DEFAULT_PASSWORD
from tests.helpers import login_post

pytestmark = pytest.mark.django_db


def english_client(ip: str = "192.0.2.20") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_message_storage_is_the_session():
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.session.SessionStorage"


def test_anonymous_page_with_a_message_sets_no_messages_cookie_and_shows_it(portal_a):
    client = english_client()

    # The second step without a first: a message, and back to the login page.
    response = client.get("/lpse-a/masuk/faktor-kedua/")
    shown = client.get(response.url)

    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "Your sign-in took too long or was not started." in shown.text
    assert "messages" not in shown.cookies
    assert "messages" not in client.cookies


def test_signed_in_action_with_a_message_sets_no_messages_cookie(portal_a, vendor_a):
    other = english_client("192.0.2.21")
    assert login_post(other, "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 302
    client = english_client()
    assert login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 302

    response = client.post("/lpse-a/akun/sesi/akhiri-lainnya/")
    shown = client.get(response.url)

    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "messages" not in client.cookies
    assert "1 other session has ended." in shown.text
