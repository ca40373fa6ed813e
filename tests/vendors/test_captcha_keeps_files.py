"""Issue 14, item 3: the CAPTCHA no longer costs the files. A wrong answer, an expired
image and "show another image" each keep the files that passed their checks (held),
within what one client address may park; an expired image says so; the registration's
challenge lasts an hour."""

import html
import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.utils import timezone

from inaproc.files.models import HeldUpload
from tests.helpers import captcha_answer
from tests.vendors import test_registration_views
from tests.vendors.test_registration_views import (
    REGISTER,
    documents,
    field_errors,
    form_data,
    form_key_of,
    nothing_created,
    pdf,
    submit,
)

# The registration tests' fixtures: the portal with helpdesk contacts, the KBLI sample.
portal = test_registration_views.portal
kbli = test_registration_views.kbli

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

EXPIRED = "The image has expired. Type the characters in the new image."
WRONG = "The characters do not match the image. A new image is shown: try again."


def captcha_key(response) -> str:
    return re.search(r'name="captcha_0" value="(\w+)"', response.text).group(1)


def expire(response) -> dict:
    """The page's CAPTCHA, answered right, after its challenge's time is over."""
    answer = captcha_answer(response)
    CaptchaStore.objects.filter(hashkey=answer["captcha_0"]).update(
        expiration=timezone.now() - timedelta(seconds=1)
    )
    return answer


def held_names() -> list[str]:
    return sorted(HeldUpload.objects.values_list("original_name", flat=True))


def test_a_wrong_captcha_holds_the_files_and_lists_them(client, portal):
    response = submit(client, captcha_1="wrong")

    assert field_errors(response, "captcha") == [WRONG]
    assert held_names() == sorted(
        f"{kind}.pdf" for kind in ("nib", "npwp_card", "deed_of_establishment", "representative_id")
    )
    for name in held_names():
        assert f"Already uploaded: {name}" in response.text
    assert nothing_created()


def test_an_expired_image_says_so_shows_a_new_one_and_holds_the_files(client, portal):
    page = client.get(REGISTER)

    response = submit(client, page=page, captcha=expire(page))

    assert field_errors(response, "captcha") == [EXPIRED]
    assert WRONG not in html.unescape(response.text)
    assert captcha_key(response) != captcha_key(page)
    assert len(held_names()) == 4
    assert "Already uploaded: nib.pdf" in response.text
    assert nothing_created()


def test_files_survive_a_wrong_then_an_expired_captcha_and_then_register(client, portal):
    wrong = submit(client, captcha_1="wrong")
    expired = submit(client, page=wrong, captcha=expire(wrong), files={})
    assert field_errors(expired, "captcha") == [EXPIRED]
    assert form_key_of(expired) == form_key_of(wrong)

    done = submit(client, page=expired, files={})

    assert done.status_code == 302
    assert not HeldUpload.objects.exists()  # they became the registration's documents
    assert not nothing_created()


def test_a_refresh_holds_the_files_chosen_in_it(client, portal):
    page = client.get(REGISTER)
    data = {
        **form_data(),
        "captcha_0": captcha_key(page),
        "captcha_1": "",
        "form_key": form_key_of(page),
        **documents(("nib",)),
        "captcha_refresh": "Show another image",
    }

    response = client.post(REGISTER, data)

    assert response.status_code == 200
    assert "field-errors" not in response.text
    assert held_names() == ["nib.pdf"]
    assert "Already uploaded: nib.pdf" in response.text
    assert form_key_of(response) == form_key_of(page)


def test_a_refresh_says_why_a_file_was_not_kept(client, portal):
    page = client.get(REGISTER)
    data = {
        **form_data(),
        "captcha_0": captcha_key(page),
        "form_key": form_key_of(page),
        "document_nib": pdf("nib.pdf", b"MZ not a pdf"),
        "captcha_refresh": "Show another image",
    }

    response = client.post(REGISTER, data)

    assert field_errors(response, "document_nib") == [
        "nib.pdf: Only PDF, JPEG or PNG files are accepted; this file is none of them."
    ]
    assert not HeldUpload.objects.exists()


def test_the_limit_per_address_still_holds_and_is_said_by_the_field(client, portal, settings):
    settings.HELD_UPLOADS_PER_ADDRESS = 2

    response = submit(client, captcha_1="wrong")

    assert HeldUpload.objects.count() == 2
    assert all(h.ip_address == "127.0.0.1" for h in HeldUpload.objects.all())
    refused = [
        name
        for name in (
            "document_nib",
            "document_npwp_card",
            "document_deed_of_establishment",
            "document_representative_id",
        )
        if any("This file was not kept" in e for e in field_errors(response, name))
    ]
    assert len(refused) == 2
    # Another form from the same address gets nothing more held.
    other = submit(Client(), captcha_1="wrong")
    assert HeldUpload.objects.count() == 2
    assert "This file was not kept" in html.unescape(other.text)


def test_the_size_limit_per_address(client, portal, settings):
    settings.HELD_UPLOAD_MEGABYTES_PER_ADDRESS = 0

    response = submit(client, captcha_1="wrong")

    assert not HeldUpload.objects.exists()
    assert "This file was not kept" in html.unescape(response.text)


def test_another_address_has_its_own_allowance(client, portal, settings):
    settings.HELD_UPLOADS_PER_ADDRESS = 4
    submit(client, captcha_1="wrong")
    other = Client(REMOTE_ADDR="198.51.100.7")

    submit(other, captcha_1="wrong")

    assert HeldUpload.objects.filter(ip_address="198.51.100.7").count() == 4


def test_held_files_older_than_a_day_do_not_count(client, portal, settings):
    settings.HELD_UPLOADS_PER_ADDRESS = 4
    submit(client, captcha_1="wrong")
    HeldUpload.objects.update(uploaded_at=timezone.now() - timedelta(hours=25))

    submit(Client(), captcha_1="wrong")

    assert HeldUpload.objects.count() == 8


def test_the_registration_challenge_lasts_an_hour_and_others_ten_minutes(client, portal):
    page = client.get(REGISTER)
    store = CaptchaStore.objects.get(hashkey=captcha_key(page))
    assert timedelta(minutes=59) < store.expiration - timezone.now() <= timedelta(minutes=60)

    ticket = client.get("/lpse-a/bantuan/tiket/baru/")
    store = CaptchaStore.objects.get(hashkey=captcha_key(ticket))
    assert store.expiration - timezone.now() <= timedelta(minutes=10)


def test_the_javascript_refresh_of_the_registration_gives_an_hour(client, portal):
    page = client.get(REGISTER)
    assert 'data-refresh-url="/captcha/refresh/registration/"' in page.text

    answer = client.get(
        "/captcha/refresh/registration/", headers={"x-requested-with": "XMLHttpRequest"}
    ).json()

    store = CaptchaStore.objects.get(hashkey=answer["key"])
    assert store.expiration - timezone.now() > timedelta(minutes=59)
    assert client.get("/captcha/refresh/registration/").status_code == 404
    unknown = client.get("/captcha/refresh/other/", headers={"x-requested-with": "XMLHttpRequest"})
    assert unknown.status_code == 404
