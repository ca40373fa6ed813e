"""Without JavaScript, "show another image" submits the form: it comes back with what was
typed (passwords apart), the files held from an earlier submit, a new image and no error;
nothing is checked or saved. With JavaScript the image is renewed in place."""

import re

import pytest

from inaproc.accounts.models import LoginAttempt
from inaproc.files.models import HeldUpload
from inaproc.helpdesk.models import Ticket
from tests.helpers import captcha_answer
from tests.vendors.builders import kbli_sample
from tests.vendors.test_registration_views import (
    REGISTER,
    documents,
    form_data,
    form_key_of,
    nothing_created,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REFRESH = {"captcha_refresh": "Show another image"}


def captcha_key(response) -> str:
    return re.search(r'name="captcha_0" value="(\w+)"', response.text).group(1)


def assert_no_errors(response) -> None:
    assert response.status_code == 200
    assert "form-errors" not in response.text
    assert "field-errors" not in response.text
    assert "aria-invalid" not in response.text
    assert not re.search(r"<title>Error", response.text)


def test_the_widget_has_a_refresh_button_and_a_hidden_default_button(client, portal_a):
    text = client.get("/lpse-a/masuk/").text

    assert (
        '<input type="submit" name="captcha_refresh" value="Show another image" formnovalidate'
        in text
    )
    # Enter in a field presses the first submit button: the hidden one, which sends the form.
    first_submit = re.search(r'<input type="submit"[^>]*>', text)[0]
    assert 'class="visually-hidden" tabindex="-1" aria-hidden="true"' in first_submit
    assert "name=" not in first_submit
    assert "reloads the page" not in text


def test_login_refresh_keeps_the_username_and_checks_nothing(client, vendor_a):
    page = client.get("/lpse-a/masuk/")

    response = client.post(
        "/lpse-a/masuk/",
        {
            "username": vendor_a.username,
            "password": "rahasia-sekali",
            "captcha_0": captcha_key(page),
            "captcha_1": "",
            "next": "/lpse-a/perusahaan/",
            **REFRESH,
        },
    )

    assert_no_errors(response)
    assert f'value="{vendor_a.username}"' in response.text
    assert "rahasia-sekali" not in response.text
    assert captcha_key(response) != captcha_key(page)
    assert 'name="next" value="/lpse-a/perusahaan/"' in response.text
    assert not LoginAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


def test_registration_refresh_keeps_values_and_held_files(client, portal_a):
    kbli_sample()
    failed = submit(client, form_data(npwp="12345"), documents(("nib", "npwp_card")))
    assert HeldUpload.objects.count() == 2
    data = {
        **form_data(name="PT Baru Jaya", npwp="12345", city="Kota Cimahi"),
        "captcha_0": captcha_key(failed),
        "captcha_1": "",
        "form_key": form_key_of(failed),
        **REFRESH,
    }

    response = client.post(REGISTER, data)

    assert_no_errors(response)
    form = response.context["form"]
    assert not form.is_bound
    assert form["name"].value() == "PT Baru Jaya"
    assert form["city"].value() == "Kota Cimahi"
    assert form["sectors"].value() == "41011, 43211"
    assert 'value="PT Baru Jaya"' in response.text
    assert (
        'name="consent" checked' in response.text
        or "checked" in re.search(r'<input type="checkbox" name="consent"[^>]*>', response.text)[0]
    )
    assert form_key_of(response) == form_key_of(failed)
    assert captcha_key(response) != captcha_key(failed)
    assert HeldUpload.objects.count() == 2
    assert "Already uploaded: nib.pdf" in response.text
    assert nothing_created()


def test_a_refresh_never_registers_even_a_complete_form(client, portal_a):
    kbli_sample()
    page = client.get(REGISTER)
    data = {
        **form_data(),
        **captcha_answer(page),
        "form_key": form_key_of(page),
        **documents(),
        **REFRESH,
    }

    response = client.post(REGISTER, data)

    assert_no_errors(response)
    assert nothing_created()
    # Issue 14, item 3: the files chosen in the refresh request are held, not dropped.
    assert HeldUpload.objects.count() == len(documents())
    assert "Already uploaded: nib.pdf" in response.text


def test_new_ticket_refresh_keeps_what_was_typed(client, portal_a):
    url = "/lpse-a/bantuan/tiket/baru/"
    page = client.get(url)
    data = {
        "name": "Budi",
        "email": "budi@example.id",
        "occurred_at": "2026-01-05T10:30",
        "description": "Halaman pendaftaran menolak berkas saya.",
        "captcha_0": captcha_key(page),
        "captcha_1": "",
        **REFRESH,
    }

    response = client.post(url, data)

    assert_no_errors(response)
    assert 'value="budi@example.id"' in response.text
    assert 'value="2026-01-05T10:30"' in response.text
    assert "Halaman pendaftaran menolak berkas saya.</textarea>" in response.text
    assert captcha_key(response) != captcha_key(page)
    assert not Ticket.objects.exists()
