"""Issue 14, item 10: tickets opened without an account appear under "Your tickets" of an
account whose own address is proven (`account_email_confirmed`) and equals the ticket's
email, on the same portal; an unproven address links nothing and the page says why."""

import pytest

from inaproc.accounts.models import Role
from tests.factories import make_user
from tests.helpdesk.ticket_builders import attachment, open_ticket
from tests.helpers import signed_in
from tests.vendors.builders import company_data, png_bytes, register_approved
from tests.vendors.member_builders import add_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MINE = "/lpse-a/bantuan/tiket/"
DASHBOARD = "/lpse-a/dasbor/"
ADDRESS = "budi@maju.example.id"
NOT_LINKED = "are not listed here, because this account's email address has not been"


@pytest.fixture
def applicant(portal_a):
    """An approved vendor: its address was proven by the registration's link."""
    registration = register_approved(portal_a, company=company_data(email=ADDRESS))
    registration.applicant.refresh_from_db()
    return registration.applicant


def link(ticket) -> str:
    return f'href="{MINE}{ticket.number}/"'


def test_tickets_from_the_proven_address_are_listed_and_opened(client, portal_a, applicant):
    signed_out, _token = open_ticket(
        portal_a, email=ADDRESS.upper(), uploads=[attachment("layar.png", png_bytes())]
    )
    other_address, _token = open_ticket(portal_a, email="someone@example.id")
    signed_in(applicant, client=client)

    listing = client.get(MINE)

    assert link(signed_out) in listing.text
    assert link(other_address) not in listing.text
    assert f"from your account's confirmed address {ADDRESS} on this portal" in listing.text
    assert NOT_LINKED not in listing.text
    assert client.get(f"{MINE}{signed_out.number}/").status_code == 200
    assert client.get(f"{MINE}{other_address.number}/").status_code == 404
    file = signed_out.attachments.get()
    assert client.get(f"/lpse-a/bantuan/tiket/lampiran/{file.public_id}/").status_code == 200
    assert link(signed_out) in client.get(DASHBOARD).text


def test_another_portal_or_another_accounts_tickets_are_not_linked(
    client, portal_a, portal_b, applicant
):
    elsewhere, _token = open_ticket(portal_b, email=ADDRESS)
    someone = make_user(portal_a, username="someone", email=ADDRESS)
    theirs, _token = open_ticket(portal_a, requester=someone, email=ADDRESS)
    signed_in(applicant, client=client)

    listing = client.get(MINE)

    assert f'/bantuan/tiket/{elsewhere.number}/"' not in listing.text.replace(link(theirs), "")
    assert link(theirs) not in listing.text
    assert client.get(f"{MINE}{theirs.number}/").status_code == 404


def test_an_invited_user_links_the_address_of_its_invitation(client, portal_a, applicant):
    member = add_member(applicant.company_membership.company, applicant)
    user = member.user
    ticket, _token = open_ticket(portal_a, email=user.email)
    signed_in(user, client=client)

    assert link(ticket) in client.get(MINE).text


@pytest.mark.parametrize("role", [Role.VENDOR, Role.HELPDESK])
def test_an_unproven_address_links_nothing_and_the_page_says_why(client, portal_a, role):
    # A vendor account made without registration or invitation, or a staff account whose
    # address an administrator typed: nothing proved the address.
    user = make_user(portal_a, role=role, username="unproven", email=ADDRESS)
    ticket, _token = open_ticket(portal_a, email=ADDRESS)
    signed_in(user, client=client)

    listing = client.get(MINE)

    assert link(ticket) not in listing.text
    assert NOT_LINKED in listing.text
    assert client.get(f"{MINE}{ticket.number}/").status_code == 404
