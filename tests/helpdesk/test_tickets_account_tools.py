"""From a ticket to the account it is about: the candidate accounts, unlock, the
registration's confirmation link again, and a password reset for the owner, each with a
reason and the ticket's reference in the audit log.

The issue's "done when": a helpdesk officer takes a locked vendor from "locked" to
"logged in" without anyone sharing a password, and the audit log shows who did what and
why (`test_done_when_...`)."""

import re

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.accounts.selectors import lock_until
from inaproc.accounts.services.passwords import RESET_EMAIL
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.models import RegistrationStatus
from tests import helpers
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpdesk.ticket_builders import lock_out, open_ticket
from tests.helpers import login_post, signed_in
from tests.vendors.builders import register, register_approved

pytestmark = pytest.mark.django_db

CONFIRM_EMAIL = "vendors/email/registration_confirm"
REASON = "identity checked by calling the office"


def ticket_url(ticket, suffix: str = "") -> str:
    return f"/{ticket.portal.slug}/staf/helpdesk/tiket/{ticket.number}/{suffix}"


def act(client, ticket, user, action, reason=REASON):
    return client.post(
        ticket_url(ticket, "akun/"), {"user_id": user.pk, "action": action, "reason": reason}
    )


@pytest.fixture
def approved(portal_a):
    """An approved vendor company; its administrator is `approved.applicant`."""
    return register_approved(portal_a)


# ---------------------------------------------------------------------------
# The done-when of the issue
# ---------------------------------------------------------------------------


def test_done_when_a_locked_vendor_is_unlocked_from_a_ticket_and_logs_in(
    portal_a, approved, helpdesk_a
):
    vendor = approved.applicant
    lock_out(portal_a, vendor.username)
    assert login_post(Client(), "lpse-a", vendor.username, DEFAULT_PASSWORD).status_code == 200

    # The vendor opens a ticket without signing in; the officer finds the account by NPWP.
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp, email="lain@example.id")
    officer = signed_in(helpdesk_a, english=True)
    page = officer.get(ticket_url(ticket))
    assert f"<code>{vendor.username}</code>" in page.text
    assert "Yes, until" in page.text
    response = act(officer, ticket, vendor, "unlock")

    assert response.status_code == 302
    assert response["Location"] == ticket_url(ticket) + "#accounts"
    assert lock_until(portal=portal_a, username=vendor.username) is None
    login = login_post(Client(), "lpse-a", vendor.username, DEFAULT_PASSWORD)
    assert login.status_code == 302
    assert login["Location"] == "/lpse-a/dasbor/"
    event = AuditEvent.objects.get(verb="account.unlocked")
    assert (event.actor, event.actor_label, event.portal) == (helpdesk_a, "helpdesk-a", portal_a)
    assert event.target_id == str(vendor.pk)
    assert event.reason == f"HD-000001: {REASON}"
    # The ticket lists what was done from it.
    assert "Unlocked the username" in officer.get(ticket_url(ticket)).text


# ---------------------------------------------------------------------------
# Which accounts a ticket is about
# ---------------------------------------------------------------------------


def test_candidates_match_by_username_company_npwp_email_or_requester_on_this_portal(
    client, portal_a, portal_b, approved, helpdesk_a
):
    npwp = approved.company.npwp
    staff_member = make_user(portal_a, username="staf-perusahaan")
    from inaproc.vendors.models import CompanyMember

    CompanyMember.objects.create(company=approved.company, user=staff_member, role="viewer")
    by_email = make_user(portal_a, username="by-email", email="Budi@Example.id")
    signed_in = make_user(portal_a, username="signed-in")
    unrelated = make_user(portal_a, username="unrelated")
    other_portal = make_user(portal_b, username=npwp, email="budi@example.id")
    ticket, _token = open_ticket(portal_a, npwp=npwp, email="budi@example.id", requester=signed_in)
    helpers.signed_in(helpdesk_a, client=client, english=True)  # `signed_in` is a user here

    page = client.get(ticket_url(ticket)).text

    shown = set(re.findall(r'<h3 id="account(\d+)-heading">', page))
    assert shown == {str(u.pk) for u in (approved.applicant, staff_member, by_email, signed_in)}
    assert str(unrelated.pk) not in shown and str(other_portal.pk) not in shown


def test_acting_on_an_account_the_ticket_is_not_about_is_404(client, portal_a, helpdesk_a):
    stranger = make_user(portal_a, username="stranger")
    lock_out(portal_a, stranger.username)
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    response = act(client, ticket, stranger, "unlock")

    assert response.status_code == 404
    assert lock_until(portal=portal_a, username="stranger") is not None


def test_acting_on_another_portals_account_is_404(client, portal_a, portal_b, helpdesk_a):
    elsewhere = make_user(portal_b, username="elsewhere", email="budi@example.id")
    lock_out(portal_b, elsewhere.username)
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    assert act(client, ticket, elsewhere, "unlock").status_code == 404
    assert lock_until(portal=portal_b, username="elsewhere") is not None


# ---------------------------------------------------------------------------
# Resending the confirmation link, and the reset for approved vendors
# ---------------------------------------------------------------------------


def test_a_registration_waiting_for_its_email_gets_a_new_confirmation_link(
    client, portal_a, helpdesk_a
):
    registration = register(portal_a)
    applicant = registration.applicant
    old_hash = registration.confirmation_token_hash
    ticket, _token = open_ticket(portal_a, npwp=registration.company.npwp, category="registration")
    signed_in(helpdesk_a, client=client, english=True)
    page = client.get(ticket_url(ticket)).text
    assert 'value="resend_confirmation"' in page

    response = act(client, ticket, applicant, "resend_confirmation")

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.confirmation_token_hash != old_hash
    emails = Email.objects.filter(template=CONFIRM_EMAIL, to=applicant.email)
    assert emails.count() == 2
    event = AuditEvent.objects.get(verb="helpdesk.confirmation_resent")
    assert (event.actor, event.reason, event.payload["ticket"]) == (
        helpdesk_a,
        f"HD-000001: {REASON}",
        "HD-000001",
    )
    # Nothing of the link reaches the officer.
    followed = client.get(ticket_url(ticket))
    assert "/pendaftaran/konfirmasi/" not in followed.text


def test_an_approved_vendor_is_offered_a_reset_not_a_confirmation(
    client, portal_a, approved, helpdesk_a
):
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    signed_in(helpdesk_a, client=client, english=True)
    emails_before = Email.objects.filter(template=CONFIRM_EMAIL).count()

    page = client.get(ticket_url(ticket)).text
    forced = act(client, ticket, approved.applicant, "resend_confirmation")

    assert 'value="resend_confirmation"' not in page
    assert 'value="password_reset"' in page
    assert "An approved vendor has no activation email" in page
    assert forced.status_code == 302
    assert Email.objects.filter(template=CONFIRM_EMAIL).count() == emails_before
    assert not AuditEvent.objects.filter(verb="helpdesk.confirmation_resent").exists()
    messages = client.get(ticket_url(ticket)).text
    assert "has no registration waiting for its email to be confirmed" in messages


def test_confirmation_links_are_limited_per_hour(client, portal_a, helpdesk_a, settings):
    settings.REGISTRATION_CONFIRMATIONS_PER_HOUR = 1
    registration = register(portal_a)
    ticket, _token = open_ticket(portal_a, npwp=registration.company.npwp)
    signed_in(helpdesk_a, client=client, english=True)

    act(client, ticket, registration.applicant, "resend_confirmation")

    assert Email.objects.filter(template=CONFIRM_EMAIL).count() == 1
    assert not AuditEvent.objects.filter(verb="helpdesk.confirmation_resent").exists()
    assert "got several of these emails" in client.get(ticket_url(ticket)).text


# ---------------------------------------------------------------------------
# Password reset for the owner
# ---------------------------------------------------------------------------


def test_a_password_reset_goes_to_the_accounts_own_address_never_to_the_officer(
    client, portal_a, approved, helpdesk_a
):
    vendor = approved.applicant
    lock_out(portal_a, vendor.username)
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp, email="attacker@example.id")
    signed_in(helpdesk_a, client=client, english=True)

    response = act(client, ticket, vendor, "password_reset")

    assert response.status_code == 302
    [email] = Email.objects.filter(template=RESET_EMAIL)
    assert email.to == vendor.email
    link = re.search(r"http://\S+/atur-ulang-kata-sandi/\S+/", email.body).group(0)
    page = client.get(ticket_url(ticket)).text
    assert link not in page and "atur-ulang-kata-sandi" not in page
    event = AuditEvent.objects.get(verb="helpdesk.password_reset_started")
    assert (event.actor, event.target_id, event.reason) == (
        helpdesk_a,
        str(vendor.pk),
        f"HD-000001: {REASON}",
    )
    # The owner completes the reset from their mailbox: the lock ends, they sign in.
    path = link.split("8000", 1)[1]
    owner = Client()
    form = owner.get(path, follow=True)
    new_password = "padi-menguning-di-sawah-77"
    done = owner.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert lock_until(portal=portal_a, username=vendor.username) is None
    assert login_post(Client(), "lpse-a", vendor.username, new_password).status_code == 302


def test_reset_emails_share_the_hourly_limit_of_the_form(
    client, portal_a, approved, helpdesk_a, settings
):
    settings.ACCOUNT_EMAILS_PER_HOUR = 1
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    signed_in(helpdesk_a, client=client, english=True)

    act(client, ticket, approved.applicant, "password_reset")
    act(client, ticket, approved.applicant, "password_reset")

    assert Email.objects.filter(template=RESET_EMAIL).count() == 1
    assert AuditEvent.objects.filter(verb="helpdesk.password_reset_started").count() == 1


# ---------------------------------------------------------------------------
# Refusals change nothing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "unlock", "reason": ""}, "This field is required."),
        ({"action": "unlock", "reason": "ok"}, "Ensure this value has at least 5 characters"),
        ({"action": "unlock", "reason": "checked\x00"}, "Null characters are not allowed."),
        ({"action": "delete", "reason": REASON}, "Select a valid choice."),
    ],
)
def test_a_tool_without_a_proper_reason_or_action_does_nothing(
    client, portal_a, approved, helpdesk_a, data, message
):
    vendor = approved.applicant
    lock_out(portal_a, vendor.username)
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(ticket_url(ticket, "akun/"), {"user_id": vendor.pk, **data})

    assert response.status_code == 200
    assert message in response.text
    assert f'id="account{vendor.pk}-reason' in response.text
    assert lock_until(portal=portal_a, username=vendor.username) is not None
    assert not AuditEvent.objects.filter(verb__in=["account.unlocked"]).exists()


def test_a_tool_without_an_account_says_so(client, portal_a, helpdesk_a):
    ticket, _token = open_ticket(portal_a)
    signed_in(helpdesk_a, client=client, english=True)

    response = client.post(ticket_url(ticket, "akun/"), {"user_id": "x", "action": "unlock"})

    assert response.status_code == 200
    assert "Nothing was done: choose an account" in response.text


def test_unlocking_an_account_that_is_not_locked_says_so(client, portal_a, approved, helpdesk_a):
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    signed_in(helpdesk_a, client=client, english=True)

    act(client, ticket, approved.applicant, "unlock")

    assert "is not locked. Nothing was changed." in client.get(ticket_url(ticket)).text
    assert not AuditEvent.objects.filter(verb="account.unlocked").exists()


def test_vendors_and_verifiers_cannot_use_the_tools(portal_a, approved, verifier_a):
    vendor = approved.applicant
    lock_out(portal_a, vendor.username)
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    for user in (vendor, verifier_a):
        client = signed_in(user)
        for action in ("unlock", "password_reset"):
            assert act(client, ticket, vendor, action).status_code == 403
    assert lock_until(portal=portal_a, username=vendor.username) is not None
    assert not Email.objects.filter(template=RESET_EMAIL).exists()


def test_another_portals_helpdesk_cannot_use_the_tools(portal_a, approved, helpdesk_b):
    vendor = approved.applicant
    lock_out(portal_a, vendor.username)
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    client = signed_in(helpdesk_b, english=True)

    response = client.post(
        "/lpse-b/staf/helpdesk/tiket/1/akun/",
        {"user_id": vendor.pk, "action": "unlock", "reason": REASON},
    )

    assert response.status_code == 404
    assert lock_until(portal=portal_a, username=vendor.username) is not None


def test_portal_admins_may_use_the_tools(portal_a, approved):
    vendor = approved.applicant
    lock_out(portal_a, vendor.username)
    ticket, _token = open_ticket(portal_a, npwp=approved.company.npwp)
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")
    client = signed_in(admin, english=True)

    assert act(client, ticket, vendor, "unlock").status_code == 302
    assert lock_until(portal=portal_a, username=vendor.username) is None


def test_the_status_of_an_unconfirmed_registration_is_shown(client, portal_a, helpdesk_a):
    registration = register(portal_a)
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED
    ticket, _token = open_ticket(portal_a, email=registration.applicant.email)
    signed_in(helpdesk_a, client=client, english=True)

    page = client.get(ticket_url(ticket)).text

    assert "Email not yet confirmed" in page
    assert registration.company.name in page
