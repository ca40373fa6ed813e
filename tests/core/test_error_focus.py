"""A failed submit shows its errors where a phone user sees them: the error box takes the
focus on load (`autofocus`, focusable with `tabindex="-1"`) and the page title starts
with "Error – " (Indonesian "Kesalahan – "); a clean page has neither."""

import re

import pytest
from django.template import Context, Template
from django.utils.functional import SimpleLazyObject

from inaproc.vendors.registrations.forms.review import QueueFilterForm
from tests.helpers import captcha_answer, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FOCUSED_BOX = re.compile(
    r'<div class="form-errors[^"]*" role="alert"[^>]* tabindex="-1" autofocus>'
)


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)


def assert_error_page(response) -> None:
    assert response.status_code == 200
    assert title(response).startswith("Error – ")
    assert len(FOCUSED_BOX.findall(response.text)) == 1
    assert response.text.count(" autofocus") == 1  # the box only, not a field above it


def assert_clean_page(response) -> None:
    assert response.status_code == 200
    assert not title(response).startswith("Error")
    assert FOCUSED_BOX.search(response.text) is None


def test_login_with_a_wrong_password(client, vendor_a):
    clean = client.get("/lpse-a/masuk/")
    failed = client.post(
        "/lpse-a/masuk/",
        {"username": vendor_a.username, "password": "salah-sekali-123", **captcha_answer(clean)},
    )

    assert_clean_page(clean)
    assert_error_page(failed)
    assert title(failed) == "Error – Log in · LPSE Alpha"


def test_login_with_an_empty_field_shows_the_summary_linking_to_it(client, portal_a):
    page = client.get("/lpse-a/masuk/")

    failed = client.post("/lpse-a/masuk/", {"username": "", "password": "", **captcha_answer(page)})

    assert_error_page(failed)
    assert 'class="form-errors error-summary"' in failed.text
    assert '<a href="#id_username">Username or NPWP: ' in failed.text


def test_password_change_with_a_short_password(portal_a, vendor_a):
    client = signed_in(vendor_a)
    url = "/lpse-a/akun/kata-sandi/"

    failed = client.post(url, {"old_password": "x", "new_password1": "a", "new_password2": "a"})

    assert_clean_page(client.get(url))
    assert_error_page(failed)


def test_password_reset_request_with_a_bad_address(client, portal_a):
    url = "/lpse-a/lupa-kata-sandi/"

    failed = client.post(url, {"email": "bukan-alamat"})

    assert_clean_page(client.get(url))
    assert_error_page(failed)


def test_new_ticket_left_empty(client, portal_a):
    url = "/lpse-a/bantuan/tiket/baru/"
    page = client.get(url)

    failed = client.post(url, {"email": "", "description": "", **captcha_answer(page)})

    assert_clean_page(page)
    assert_error_page(failed)
    assert title(failed) == "Error – Open a helpdesk ticket · LPSE Alpha"


def test_helpdesk_contacts_of_the_portal_administrator(portal_a, admin_a):
    client = signed_in(admin_a)
    url = "/lpse-a/staf/pengaturan/kontak/"

    failed = client.post(url, {"helpdesk_email": "bukan-alamat"})

    assert_clean_page(client.get(url))
    assert_error_page(failed)


def test_announcement_staff_form_left_empty(portal_a, admin_a):
    client = signed_in(admin_a)
    url = "/lpse-a/staf/pengumuman/baru/"

    failed = client.post(url, {"title": "", "body": ""})

    assert_clean_page(client.get(url))
    assert_error_page(failed)


def test_in_indonesian_the_prefix_is_kesalahan(client, portal_a, settings):
    settings.LANGUAGE_CODE = "id"
    page = client.get("/lpse-a/masuk/")

    failed = client.post("/lpse-a/masuk/", {"username": "", "password": "", **captcha_answer(page)})

    assert title(failed).startswith("Kesalahan – ")


# ---------------------------------------------------------------------------
# The tag
# ---------------------------------------------------------------------------

TAG = Template("{% load inaproc %}{% error_title_prefix %}")
TAG_WITH_MESSAGE = Template("{% load inaproc %}{% error_title_prefix message %}")


def test_the_prefix_comes_from_any_bound_form_with_errors():
    failed = QueueFilterForm({"status": "no-such-status"})
    failed.is_valid()

    assert TAG.render(Context({"queue_form": failed})) == "Error – "
    assert TAG.render(Context({"form": QueueFilterForm()})) == ""
    assert TAG.render(Context({"form": QueueFilterForm({"q": "PT"})})) == ""
    assert TAG.render(Context({})) == ""


def test_a_page_message_gives_the_prefix_when_not_empty():
    assert TAG_WITH_MESSAGE.render(Context({"message": "Wait a minute."})) == "Error – "
    assert TAG_WITH_MESSAGE.render(Context({"message": ""})) == ""
    assert TAG_WITH_MESSAGE.render(Context({})) == ""


def test_the_tag_leaves_lazy_values_unevaluated():
    # Looking for forms must not evaluate the context's lazy values (the CSRF token
    # would then be made, and its cookie set, on pages that have no form).
    calls = []
    lazy = SimpleLazyObject(lambda: calls.append("evaluated") or "token")

    assert TAG.render(Context({"csrf_token": lazy})) == ""
    assert calls == []


def test_a_page_message_in_the_error_prefix_block_gives_the_prefix():
    template = Template(
        '{% extends "base.html" %}{% load inaproc %}'
        "{% block error_prefix %}{% error_title_prefix error %}{% endblock %}"
        "{% block title %}Review{% endblock %}"
    )

    rendered = template.render(Context({"error": "Already decided."}))

    assert "<title>Error – Review · Inaproc</title>" in rendered
