"""Issue 14, item 7: an emailed code instead of the image on every form with a CAPTCHA
without an account (registration, "Buat Tiket" when not signed in), with the sign-in
code's machinery and limits (WCAG 2.2 SC 3.3.8). Without JavaScript: plain buttons."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import AccountEmailRequest, EmailCode
from inaproc.files.models import HeldUpload
from inaproc.helpdesk.models import Ticket
from inaproc.vendors.models import Registration
from tests.factories import make_user
from tests.helpdesk.test_tickets_open import NEW
from tests.helpdesk.test_tickets_open import form_data as ticket_data
from tests.helpers import run_tasks_until_idle
from tests.vendors import test_registration_views
from tests.vendors.test_registration_views import (
    REGISTER,
    documents,
    field_errors,
    form_key_of,
)
from tests.vendors.test_registration_views import form_data as registration_data

# The registration tests' fixtures: the portal with helpdesk contacts, the KBLI sample.
portal = test_registration_views.portal
kbli = test_registration_views.kbli

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ASK = {"email_code_request": "1"}
BY_CODE = {"proof": "email_code"}
WRONG = (
    "The code is not correct, or it has expired or been tried too often. Check it, or ask "
    "for a new one: it goes to the address in the Email field."
)


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Post a form with "Email me a code instead" and run the queue that sends it."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {**data, **ASK})
        run_tasks_until_idle(django_capture_on_commit_callbacks)
        return response

    return post


def code_for(address: str) -> str:
    [email] = [m for m in mail.outbox if m.to == [address]][-1:]
    return re.search(r"\b(\d{6})\b", email.body).group(1)


def registration_post(page, **extra):
    return {**registration_data(), "form_key": form_key_of(page), **extra}


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------


def test_the_form_offers_a_code_instead_of_the_image(client, portal):
    page = client.get(REGISTER)

    assert '<input type="submit" name="email_code_request"' in page.text
    assert "Cannot read the image?" in page.text
    assert client.get(NEW).text.count('name="email_code_request"') == 1


def test_registration_through_an_emailed_code(client, portal, ask):
    page = client.get(REGISTER)
    asked = ask(client, REGISTER, registration_post(page, **documents()))

    assert asked.status_code == 200
    assert "A code is on its way to budi@example.id." in html.unescape(asked.text)
    assert 'name="proof" value="email_code"' in asked.text
    assert 'name="captcha_1"' not in asked.text
    assert 'autocomplete="one-time-code"' in asked.text
    assert "Already uploaded: nib.pdf" in asked.text  # the files chosen were held
    assert 'value="PT Maju Jaya"' in asked.text
    [email] = mail.outbox
    assert email.to == ["budi@example.id"]
    assert "Your code is:" in email.body

    done = client.post(
        REGISTER,
        registration_post(asked, email_code=code_for("budi@example.id"), **BY_CODE),
    )

    assert done.status_code == 302
    assert Registration.objects.get().applicant.email == "budi@example.id"
    assert EmailCode.objects.get().used_at is not None
    assert not HeldUpload.objects.exists()


def test_a_wrong_code_is_said_by_its_field_and_keeps_files_and_the_code(client, portal, ask):
    page = client.get(REGISTER)
    asked = ask(client, REGISTER, registration_post(page))

    wrong = client.post(
        REGISTER, registration_post(asked, email_code="000000", **BY_CODE, **documents())
    )

    assert field_errors(wrong, "email_code") == [WRONG]
    assert "Already uploaded: nib.pdf" in wrong.text
    assert not Registration.objects.exists()
    # A failed submit (here another field) does not use the code up.
    short = client.post(
        REGISTER,
        registration_post(
            wrong, email_code=code_for("budi@example.id"), **BY_CODE, password="pendek"
        ),
    )
    assert field_errors(short, "email_code") == []
    assert not Registration.objects.exists()
    done = client.post(
        REGISTER, registration_post(short, email_code=code_for("budi@example.id"), **BY_CODE)
    )
    assert done.status_code == 302


def test_the_code_is_for_the_address_it_was_sent_to(client, portal, ask):
    page = client.get(REGISTER)
    asked = ask(client, REGISTER, registration_post(page, **documents()))

    other = client.post(
        REGISTER,
        registration_post(
            asked, email="lain@example.id", email_code=code_for("budi@example.id"), **BY_CODE
        ),
    )

    assert field_errors(other, "email_code") == [WRONG]
    assert not Registration.objects.exists()


def test_an_expired_code_is_refused(client, portal, ask):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        page = client.get(REGISTER)
        asked = ask(client, REGISTER, registration_post(page, **documents()))
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        late = client.post(
            REGISTER, registration_post(asked, email_code=code_for("budi@example.id"), **BY_CODE)
        )

    assert field_errors(late, "email_code") == [WRONG]
    assert not Registration.objects.exists()


def test_five_wrong_codes_void_the_code(client, portal, ask):
    page = client.get(REGISTER)
    asked = ask(client, REGISTER, registration_post(page, **documents()))
    for _ in range(5):
        client.post(REGISTER, registration_post(asked, email_code="000000", **BY_CODE))

    right = client.post(
        REGISTER, registration_post(asked, email_code=code_for("budi@example.id"), **BY_CODE)
    )

    assert field_errors(right, "email_code") == [WRONG]
    assert not Registration.objects.exists()


def test_a_code_needs_a_valid_address_first(client, portal, ask):
    page = client.get(REGISTER)

    response = ask(client, REGISTER, registration_post(page, email="bukan-email"))

    errors = field_errors(response, "email")
    assert "Type your email address here first; the code is sent to it." in errors
    assert 'name="captcha_1"' in response.text
    assert not AccountEmailRequest.objects.exists()
    assert not mail.outbox


def test_the_mailbox_gets_at_most_three_codes_an_hour(client, portal, ask):
    page = client.get(REGISTER)
    for _ in range(4):
        response = ask(client, REGISTER, registration_post(page))

    assert "A code is on its way" in response.text  # the same answer
    assert len(mail.outbox) == 3
    assert EmailCode.objects.count() == 3


def test_the_address_is_throttled_like_the_sign_in_code(client, portal, ask, settings):
    settings.ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS = 2
    page = client.get(REGISTER)
    ask(client, REGISTER, registration_post(page))
    ask(client, NEW, {**ticket_data()})

    refused = ask(client, REGISTER, registration_post(page))

    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert "Too many requests came from your network." in refused.text
    assert len(mail.outbox) == 2


def test_the_same_answer_whether_or_not_the_address_is_known(client, portal, ask, portal_a):
    make_user(portal_a, username="budi", email="dikenal@example.id")
    page = client.get(REGISTER)

    known = ask(Client(), REGISTER, registration_post(page, email="dikenal@example.id"))
    unknown = ask(Client(), REGISTER, registration_post(page, email="asing@example.id"))

    def shown(response, email):
        text = response.text.replace(email, "EMAIL")
        text = re.sub(r'name="(csrfmiddlewaretoken|form_key)" value="[^"]+"', "", text)
        return re.sub(r'value="[0-9a-f]{40}"|/captcha/image/[0-9a-f]{40}/', "", text)

    assert known.status_code == unknown.status_code == 200
    assert shown(known, "dikenal@example.id") == shown(unknown, "asing@example.id")


def test_use_an_image_instead_goes_back_to_the_captcha(client, portal, ask):
    page = client.get(REGISTER)
    asked = ask(client, REGISTER, registration_post(page))

    back = client.post(REGISTER, registration_post(asked, captcha_refresh="1", **BY_CODE))

    assert 'name="captcha_1"' in back.text
    assert 'name="proof"' not in back.text


# ---------------------------------------------------------------------------
# A new ticket
# ---------------------------------------------------------------------------


def test_a_ticket_through_an_emailed_code(client, portal_a, ask):
    page = client.get(NEW)
    key = re.search(r'name="form_key" value="([^"]+)"', page.text)[1]
    asked = ask(client, NEW, {**ticket_data(), "form_key": key})
    assert "A code is on its way to budi@example.id." in html.unescape(asked.text)
    assert 'name="captcha_1"' not in asked.text

    wrong = client.post(NEW, {**ticket_data(), "form_key": key, "email_code": "1", **BY_CODE})
    assert WRONG in html.unescape(wrong.text)
    assert not Ticket.objects.exists()

    done = client.post(
        NEW,
        {**ticket_data(), "form_key": key, "email_code": code_for("budi@example.id"), **BY_CODE},
    )

    assert done.status_code == 302
    assert Ticket.objects.get().email == "budi@example.id"


def test_signed_in_users_have_neither_image_nor_code(client, portal_a):
    from tests.helpers import signed_in

    user = make_user(portal_a, username="andi", email="andi@example.id")
    page = signed_in(user).get(NEW)

    assert 'name="captcha_1"' not in page.text
    assert "email_code_request" not in page.text
