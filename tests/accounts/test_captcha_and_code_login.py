"""The image CAPTCHA on the login form, by portal mode, and the emailed-code way in."""

import re
from datetime import timedelta

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.core import mail
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import LoginAttempt, LoginMethod, LoginOutcome
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.helpers import captcha_answer, login_post, mask_tokens, run_tasks_until_idle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


WRONG = "kata-sandi-yang-salah-sekali"


def test_the_login_page_shows_a_captcha_image_served_by_the_app(client, portal_a):
    page = client.get("/lpse-a/masuk/")
    image_url = re.search(r'src="(/captcha/image/\w+/)"', page.text).group(1)

    image = client.get(image_url)

    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert 'autocomplete="off"' in page.text
    assert "js/captcha.js" in page.text
    assert 'name="captcha_refresh" value="Show another image"' in page.text


def test_a_wrong_captcha_is_reported_next_to_it_and_the_password_is_not_checked(client, vendor_a):
    page = client.get("/lpse-a/masuk/")
    answer = captcha_answer(page)
    answer["captcha_1"] = "salah"

    response = client.post(
        "/lpse-a/masuk/",
        {"username": vendor_a.username, "password": DEFAULT_PASSWORD, **answer},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [
        "The characters do not match the image. A new image is shown: try again."
    ]
    assert "temporarily locked" not in response.text
    assert LoginAttempt.objects.get().outcome == LoginOutcome.CAPTCHA_WRONG
    assert client.get("/lpse-a/dasbor/").status_code == 302


def test_captcha_failures_do_not_count_towards_the_lock(client, vendor_a):
    for _ in range(6):
        page = client.get("/lpse-a/masuk/")
        answer = {**captcha_answer(page), "captcha_1": "salah"}
        client.post("/lpse-a/masuk/", {"username": vendor_a.username, "password": WRONG, **answer})

    assert login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD).status_code == 302


def test_a_solved_captcha_cannot_be_replayed(client, vendor_a):
    page = client.get("/lpse-a/masuk/")
    answer = captcha_answer(page)
    client.post("/lpse-a/masuk/", {"username": vendor_a.username, "password": WRONG, **answer})

    replay = Client().post(
        "/lpse-a/masuk/",
        {"username": vendor_a.username, "password": DEFAULT_PASSWORD, **answer},
    )

    assert replay.status_code == 200
    assert "captcha" in replay.context["form"].errors


def test_the_captcha_answer_ignores_letter_case(client, vendor_a):
    page = client.get("/lpse-a/masuk/")
    answer = captcha_answer(page)
    answer["captcha_1"] = answer["captcha_1"].upper()

    response = client.post(
        "/lpse-a/masuk/",
        {"username": vendor_a.username, "password": DEFAULT_PASSWORD, **answer},
    )

    assert response.status_code == 302


def test_a_login_without_the_captcha_fields_is_refused(client, vendor_a):
    response = client.post(
        "/lpse-a/masuk/", {"username": vendor_a.username, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == ["Type the characters shown in the image."]


def test_the_refresh_endpoint_gives_a_new_image(client, portal_a):
    response = client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    data = response.json()
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()
    assert data["image_url"] == f"/captcha/image/{data['key']}/"


def test_a_portal_with_the_captcha_off_logs_in_without_it(client):
    portal = make_portal("lpse-tanpa", captcha_mode="off")
    user = make_user(portal, username="penyedia")

    page = client.get("/lpse-tanpa/masuk/")
    response = client.post(
        "/lpse-tanpa/masuk/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )

    assert "captcha" not in page.text.lower()
    assert response.status_code == 302


def test_after_failure_mode_asks_for_the_captcha_only_after_a_failure(client):
    portal = make_portal("lpse-nanti", captcha_mode="after_failure")
    user = make_user(portal, username="penyedia")

    first_page = client.get("/lpse-nanti/masuk/")
    failed = client.post("/lpse-nanti/masuk/", {"username": user.username, "password": WRONG})
    without_captcha = client.post(
        "/lpse-nanti/masuk/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    with_captcha = login_post(client, "lpse-nanti", user.username, DEFAULT_PASSWORD)

    assert "captcha_1" not in first_page.text
    assert "captcha_1" in failed.text
    assert without_captcha.status_code == 200
    assert with_captcha.status_code == 302


def test_after_failure_mode_also_remembers_failures_of_the_address(client):
    portal = make_portal("lpse-nanti", captcha_mode="after_failure")
    user = make_user(portal, username="penyedia")
    client.post("/lpse-nanti/masuk/", {"username": user.username, "password": WRONG})

    fresh_browser_same_address = Client().get("/lpse-nanti/masuk/")

    assert "captcha_1" in fresh_browser_same_address.text


def test_the_login_page_links_to_reset_username_reminder_code_login_and_helpdesk(client):
    make_portal("lpse-h", helpdesk_phone="021 123", helpdesk_email="helpdesk@lpse.example.id")

    page = client.get("/lpse-h/masuk/")

    for href in (
        "/lpse-h/lupa-kata-sandi/",
        "/lpse-h/lupa-nama-pengguna/",
        "/lpse-h/masuk/kode/",
        "mailto:helpdesk@lpse.example.id",
        "tel:021123",
    ):
        assert f'href="{href}"' in page.text


# --- Signing in with an emailed code instead of the image --------------------------


def request_code(client, slug, username, capture):
    with capture(execute=True):
        response = client.post(f"/{slug}/masuk/kode/", {"username": username})
    run_tasks_until_idle(capture)
    return response


def code_from(outbox) -> str:
    [email] = [m for m in outbox if "code" in m.subject.lower() or "kode" in m.subject.lower()]
    return re.search(r"\b(\d{6})\b", email.body).group(1)


def test_an_emailed_code_with_the_password_logs_in_without_the_image(
    client, vendor_a, django_capture_on_commit_callbacks
):
    requested = request_code(
        client, "lpse-a", vendor_a.username, django_capture_on_commit_callbacks
    )
    page = client.get("/lpse-a/masuk/kode/verifikasi/")

    response = client.post(
        "/lpse-a/masuk/kode/verifikasi/",
        {
            "username": vendor_a.username,
            "password": DEFAULT_PASSWORD,
            "code": code_from(mail.outbox),
        },
    )

    assert requested.headers["Location"] == "/lpse-a/masuk/kode/verifikasi/"
    assert vendor_a.username in page.text  # prefilled
    assert "captcha" not in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert response.status_code == 302
    assert client.get("/lpse-a/dasbor/").status_code == 200
    assert LoginAttempt.objects.get(outcome=LoginOutcome.SUCCESS).method == LoginMethod.EMAIL_CODE


def test_a_code_works_once(client, vendor_a, django_capture_on_commit_callbacks):
    request_code(client, "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)
    data = {
        "username": vendor_a.username,
        "password": DEFAULT_PASSWORD,
        "code": code_from(mail.outbox),
    }
    Client().post("/lpse-a/masuk/kode/verifikasi/", data)

    again = Client().post("/lpse-a/masuk/kode/verifikasi/", data)

    assert again.status_code == 200
    assert "the code has expired" in again.text


def test_a_code_expires_after_ten_minutes(vendor_a, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        request_code(Client(), "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)
    data = {
        "username": vendor_a.username,
        "password": DEFAULT_PASSWORD,
        "code": code_from(mail.outbox),
    }
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        response = Client().post("/lpse-a/masuk/kode/verifikasi/", data)

    assert response.status_code == 200


def test_the_code_does_not_replace_the_password(
    client, vendor_a, django_capture_on_commit_callbacks
):
    request_code(client, "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)

    response = client.post(
        "/lpse-a/masuk/kode/verifikasi/",
        {"username": vendor_a.username, "password": WRONG, "code": code_from(mail.outbox)},
    )

    assert response.status_code == 200
    assert client.get("/lpse-a/dasbor/").status_code == 302


def test_wrong_codes_count_towards_the_same_lock(client, vendor_a):
    for _ in range(5):
        response = client.post(
            "/lpse-a/masuk/kode/verifikasi/",
            {"username": vendor_a.username, "password": DEFAULT_PASSWORD, "code": "000000"},
        )

    assert "temporarily locked" in response.text
    assert (
        "temporarily locked"
        in login_post(Client(), "lpse-a", vendor_a.username, DEFAULT_PASSWORD).text
    )


def test_asking_for_a_code_looks_the_same_for_unknown_usernames(
    vendor_a, django_capture_on_commit_callbacks
):
    known = request_code(Client(), "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)
    unknown = request_code(Client(), "lpse-a", "tidak-ada", django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(mail.outbox) == 1


def test_no_more_than_three_codes_an_hour_reach_a_mailbox(
    vendor_a, django_capture_on_commit_callbacks
):
    for _ in range(4):
        request_code(Client(), "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3


def test_no_code_is_sent_for_a_locked_username(vendor_a, django_capture_on_commit_callbacks):
    for _ in range(5):
        login_post(Client(), "lpse-a", vendor_a.username, WRONG)

    request_code(Client(), "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)

    assert [m for m in mail.outbox if "code" in m.subject.lower()] == []


def test_a_code_of_one_portal_does_not_open_the_same_npwp_on_another(
    vendor_a, portal_b, django_capture_on_commit_callbacks
):
    make_user(portal_b, username=vendor_a.username)
    request_code(Client(), "lpse-a", vendor_a.username, django_capture_on_commit_callbacks)

    response = Client().post(
        "/lpse-b/masuk/kode/verifikasi/",
        {
            "username": vendor_a.username,
            "password": DEFAULT_PASSWORD,
            "code": code_from(mail.outbox),
        },
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "\x00"}, {"username": ["a", "b"]}, {"username": "a" * 5000}],
)
def test_odd_code_requests_never_error(client, portal_a, data):
    assert client.post("/lpse-a/masuk/kode/", data).status_code in (200, 302)
    assert (
        client.post("/lpse-a/masuk/kode/verifikasi/", {**data, "code": "\x00"}).status_code == 200
    )


def test_the_unknown_and_known_code_pages_are_identical(client, vendor_a):
    known = client.post(
        "/lpse-a/masuk/kode/verifikasi/",
        {"username": vendor_a.username, "password": WRONG, "code": "123456"},
    )
    unknown = Client().post(
        "/lpse-a/masuk/kode/verifikasi/",
        {"username": "tidak-ada", "password": WRONG, "code": "123456"},
    )

    def normalise(response):
        return mask_tokens(response.text).replace(vendor_a.username, "X").replace("tidak-ada", "X")

    assert normalise(known) == normalise(unknown)
