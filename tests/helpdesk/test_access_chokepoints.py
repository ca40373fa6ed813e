"""The access chokepoints of accounts, helpdesk and announcements share one shape,
`access_<entity>(*, portal, user, <id>)`, and give one 404 for missing and forbidden
(another portal's object, or a user who may not see it). On object pages the role
decorator's 403 for a signed-in user without the role comes before any lookup: it is
the same for an object that exists and one that does not, so it tells nothing the 404
hides."""

import pytest
from django.http import Http404

from inaproc.accounts.access import access_user_session
from inaproc.accounts.models import Role
from inaproc.accounts.services.sessions import session_open
from inaproc.announcements.access import access_portal_window, access_staff_announcement
from inaproc.core.context import ClientInfo
from inaproc.helpdesk.access import (
    access_portal_user,
    access_ticket_for_staff,
    access_ticket_of_requester,
)
from tests.announcements.builders import make_announcement
from tests.factories import make_user
from tests.helpdesk.ticket_builders import open_ticket
from tests.helpers import mask_tokens, signed_in

pytestmark = pytest.mark.django_db


def test_staff_of_another_portal_and_non_staff_get_the_same_404(
    portal_a, vendor_a, helpdesk_a, helpdesk_b
):
    ticket, _token = open_ticket(portal_a)

    assert access_portal_user(portal=portal_a, user=helpdesk_a, user_id=vendor_a.pk) == vendor_a
    assert access_ticket_for_staff(portal=portal_a, user=helpdesk_a, number=ticket.number) == ticket
    for asking in (vendor_a, helpdesk_b):
        with pytest.raises(Http404):
            access_portal_user(portal=portal_a, user=asking, user_id=vendor_a.pk)
        with pytest.raises(Http404):
            access_ticket_for_staff(portal=portal_a, user=asking, number=ticket.number)


def test_a_requester_reaches_only_their_own_ticket(portal_a, vendor_a, helpdesk_a):
    own, _ = open_ticket(portal_a, requester=vendor_a)
    other, _ = open_ticket(portal_a)

    assert access_ticket_of_requester(portal=portal_a, user=vendor_a, number=own.number) == own
    for number in (other.number, 0, 10**12):
        with pytest.raises(Http404):
            access_ticket_of_requester(portal=portal_a, user=vendor_a, number=number)


def test_a_session_is_reached_only_by_its_owner_on_its_portal(portal_a, portal_b, vendor_a):
    record = session_open(user=vendor_a, session_key="k" * 32, client=ClientInfo("", "", "", ""))

    assert access_user_session(portal=portal_a, user=vendor_a, session_id=record.pk) == record
    with pytest.raises(Http404):
        access_user_session(portal=portal_b, user=vendor_a, session_id=record.pk)


def test_announcements_and_windows_only_for_the_portals_administrator(portal_a, vendor_a):
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")
    announcement = make_announcement(portal_a)

    found = access_staff_announcement(portal=portal_a, user=admin, announcement_id=announcement.pk)
    assert found == announcement
    with pytest.raises(Http404):
        access_staff_announcement(portal=portal_a, user=vendor_a, announcement_id=announcement.pk)
    with pytest.raises(Http404):
        access_portal_window(portal=portal_a, user=admin, window_id=0)


def test_the_role_decorators_403_is_the_same_for_existing_and_missing_objects(
    client, portal_a, vendor_a
):
    ticket, _ = open_ticket(portal_a)
    signed_in(vendor_a, client=client, english=True)
    users, tickets = "/lpse-a/staf/helpdesk/pengguna/", "/lpse-a/staf/helpdesk/tiket/"
    pairs = [
        (f"{users}{vendor_a.pk}/aktivitas/", f"{users}999999/aktivitas/"),
        (f"{tickets}{ticket.number}/", f"{tickets}999999/"),
    ]

    for existing, missing in pairs:
        one, other = client.get(existing), client.get(missing)
        assert one.status_code == other.status_code == 403
        # The same page but for the path itself (the language form returns to it).
        assert mask_tokens(one.text).replace(existing, "<path>") == mask_tokens(other.text).replace(
            missing, "<path>"
        )
