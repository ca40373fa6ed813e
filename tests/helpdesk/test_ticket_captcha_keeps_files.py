"""Issue 14, item 3, on "Buat Tiket": a wrong or expired CAPTCHA and "show another image"
keep the attachments (held, listed), which become the ticket's when it is sent; the
per-address limit on held files still applies."""

import html
import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inaproc.files.models import HeldUpload
from inaproc.helpdesk.models import Ticket, TicketAttachment
from tests.helpdesk.test_tickets_open import NEW, form_data
from tests.helpers import captcha_answer
from tests.vendors.builders import png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def key_of(response) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', response.text).group(1)


def shot(name: str = "layar.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def send(client, page, *, captcha=None, files=(), **extra):
    data = {
        **form_data(),
        **(captcha or captcha_answer(page)),
        "form_key": key_of(page),
        **extra,
    }
    if files:
        data["attachments"] = list(files)
    return client.post(NEW, data)


def test_a_wrong_then_an_expired_captcha_keep_the_attachments(client, portal_a, document_root):
    page = client.get(NEW)
    wrong = send(
        client,
        page,
        captcha={**captcha_answer(page), "captcha_1": "wrong"},
        files=[shot("satu.png"), shot("dua.png")],
    )
    assert "The characters do not match the image." in wrong.text
    assert "Already uploaded: satu.png" in wrong.text
    assert "were not kept" not in wrong.text

    answer = captcha_answer(wrong)
    CaptchaStore.objects.filter(hashkey=answer["captcha_0"]).update(
        expiration=timezone.now() - timedelta(minutes=1)
    )
    expired = send(client, wrong, captcha=answer)
    assert "The image has expired. Type the characters in the new image." in expired.text
    assert "Already uploaded: dua.png" in expired.text
    assert HeldUpload.objects.count() == 2

    done = send(client, expired, files=[shot("tiga.png")])

    assert done.status_code == 302
    ticket = Ticket.objects.get()
    names = sorted(
        TicketAttachment.objects.filter(ticket=ticket).values_list("original_name", flat=True)
    )
    assert names == ["dua.png", "satu.png", "tiga.png"]
    assert not HeldUpload.objects.exists()


def test_a_refresh_holds_the_attachments_chosen_in_it(client, portal_a, document_root):
    page = client.get(NEW)

    response = send(
        client,
        page,
        captcha={"captcha_0": captcha_answer(page)["captcha_0"]},
        files=[shot()],
        captcha_refresh="Show another image",
    )

    assert response.status_code == 200
    assert "field-errors" not in response.text
    assert "Already uploaded: layar.png" in response.text
    assert key_of(response) == key_of(page)
    assert not Ticket.objects.exists()


def test_held_attachments_count_towards_the_five(client, portal_a, document_root):
    page = client.get(NEW)
    wrong = send(
        client,
        page,
        captcha={**captcha_answer(page), "captcha_1": "wrong"},
        files=[shot(f"{n}.png") for n in range(4)],
    )

    response = send(client, wrong, files=[shot("a.png"), shot("b.png")])

    assert "Attach at most 5 files." in response.text
    assert not Ticket.objects.exists()


def test_the_limit_per_address_refuses_by_the_field(client, portal_a, document_root, settings):
    settings.HELD_UPLOADS_PER_ADDRESS = 1
    page = client.get(NEW)

    response = send(
        client,
        page,
        captcha={**captcha_answer(page), "captcha_1": "wrong"},
        files=[shot("satu.png"), shot("dua.png")],
    )

    assert HeldUpload.objects.count() == 1
    errors = re.search(r'id="id_attachments_errors">(.*?)</div>', response.text, re.S)[1]
    assert "This file was not kept" in html.unescape(errors)
