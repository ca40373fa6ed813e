"""One address cannot flood the anonymous email forms (reset link, username reminder,
sign-in code): after ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS requests in an hour it waits."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import AccountEmailRequest
from inaproc.accounts.services.retention import login_activity_prune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FORMS = [
    ("/lpse-a/lupa-kata-sandi/", {"identifier": "siapa@example.id"}),
    ("/lpse-a/lupa-nama-pengguna/", {"email": "siapa@example.id"}),
    ("/lpse-a/masuk/kode/", {"username": "siapa"}),
]


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_an_address_over_the_limit_gets_429_and_nothing_is_queued(
    portal_a, settings, path, data, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS = 3
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            assert client.post(path, data).status_code == 302
    with (
        time_machine.travel(start + timedelta(minutes=10), tick=False),
        django_capture_on_commit_callbacks() as queued,
    ):
        refused = client.post(path, data)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(50 * 60)
    assert "Too many requests came from your network" in refused.text
    assert queued == []
    assert AccountEmailRequest.objects.count() == 3


def test_the_limit_counts_all_three_forms_together_and_ends_after_an_hour(portal_a, settings):
    settings.ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS = 3
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for path, data in FORMS:
            client.post(path, data)
        refused = client.post(*FORMS[0])
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        again = client.post(*FORMS[0])

    assert refused.status_code == 429
    assert again.status_code == 302


def test_another_address_and_another_portal_are_not_limited(portal_a, portal_b, settings):
    settings.ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS = 1
    Client().post(*FORMS[0])

    other_address = Client(REMOTE_ADDR="10.7.7.7").post(*FORMS[0])
    other_portal = Client().post("/lpse-b/lupa-kata-sandi/", FORMS[0][1])

    assert other_address.status_code == other_portal.status_code == 302


def test_request_records_are_pruned_after_a_day(portal_a):
    Client().post(*FORMS[0])

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1), tick=False):
        counts = login_activity_prune(days=365)

    assert counts["email_requests"] == 1
    assert not AccountEmailRequest.objects.exists()
