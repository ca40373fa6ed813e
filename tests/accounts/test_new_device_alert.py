"""A successful sign-in from a browser and address never seen for the account is told
to its owner, with a "this wasn't me" link."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import DEFAULT_PASSWORD
from tests.helpers import login_post, run_tasks_until_idle

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def sign_in(vendor, capture, *, agent=FIREFOX, address="10.1.1.1"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    with capture(execute=True):
        response = login_post(client, vendor.portal.slug, vendor.username, DEFAULT_PASSWORD)
    run_tasks_until_idle(capture)
    assert response.status_code == 302
    return client


def alerts():
    return [m for m in mail.outbox if "New sign-in" in m.subject or "Masuk baru" in m.subject]


def test_the_first_sign_in_of_an_account_sends_no_alert(
    vendor_a, django_capture_on_commit_callbacks
):
    sign_in(vendor_a, django_capture_on_commit_callbacks)

    assert alerts() == []


def test_the_same_browser_and_address_again_sends_no_alert(
    vendor_a, django_capture_on_commit_callbacks
):
    sign_in(vendor_a, django_capture_on_commit_callbacks)
    sign_in(vendor_a, django_capture_on_commit_callbacks)

    assert alerts() == []


@pytest.mark.parametrize(
    ("agent", "address"), [(CHROME, "10.1.1.1"), (FIREFOX, "10.2.2.2"), (CHROME, "10.2.2.2")]
)
def test_a_new_browser_or_address_sends_an_alert_with_a_not_me_link(
    vendor_a, django_capture_on_commit_callbacks, agent, address
):
    sign_in(vendor_a, django_capture_on_commit_callbacks)
    sign_in(vendor_a, django_capture_on_commit_callbacks, agent=agent, address=address)

    [alert] = alerts()
    assert alert.to == [vendor_a.email]
    assert address in alert.body
    assert re.search(r"http://\S+/lpse-a/bukan-saya/\S+/\S+/", alert.body)
