"""What the dashboard shows of tickets (the `helpdesk_dashboard` tag and its two
templates, which the accounts dashboard includes)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inaproc.accounts.models import Role
from inaproc.helpdesk.models import TicketStatus
from inaproc.helpdesk.services.tickets import ticket_status_change
from tests.factories import make_user
from tests.helpdesk.ticket_builders import open_ticket

pytestmark = pytest.mark.django_db


def render(template: str, user, portal) -> str:
    with translation.override("en"):
        return render_to_string(f"helpdesk/{template}", {"user": user, "portal": portal})


def test_a_vendor_sees_their_unresolved_tickets_and_the_link_to_open_one(
    portal_a, vendor_a, helpdesk_a
):
    open_one, _token = open_ticket(portal_a, requester=vendor_a)
    resolved, _token = open_ticket(portal_a, requester=vendor_a, email="x@example.id")
    ticket_status_change(ticket=resolved, actor=helpdesk_a, status=TicketStatus.RESOLVED)
    someone_elses, _token = open_ticket(portal_a, email="y@example.id")

    html = render("_dashboard_tickets.html", vendor_a, portal_a)

    assert '<section class="panel" id="panel-tickets"' in html
    assert f'href="/lpse-a/bantuan/tiket/{open_one.number}/"' in html
    assert f'href="/lpse-a/bantuan/tiket/{resolved.number}/"' not in html
    assert f'href="/lpse-a/bantuan/tiket/{someone_elses.number}/"' not in html
    assert 'href="/lpse-a/bantuan/tiket/baru/"' in html


def test_a_vendor_without_tickets_is_told_so(portal_a, vendor_a):
    html = render("_dashboard_tickets.html", vendor_a, portal_a)

    assert "You have no open ticket." in html


def test_helpdesk_staff_see_how_many_tickets_are_open(portal_a, helpdesk_a):
    open_ticket(portal_a)
    open_ticket(portal_a, email="x@example.id")
    waiting, _token = open_ticket(portal_a, email="y@example.id")
    ticket_status_change(ticket=waiting, actor=helpdesk_a, status=TicketStatus.WAITING_FOR_USER)
    admin = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin-a")

    for user in (helpdesk_a, admin):
        html = render("_dashboard_queue.html", user, portal_a)
        assert "2 open helpdesk tickets" in html
        assert 'href="/lpse-a/staf/helpdesk/tiket/"' in html


def test_the_open_count_is_per_portal(portal_a, portal_b, helpdesk_a):
    open_ticket(portal_b)

    assert "0 open helpdesk tickets" in render("_dashboard_queue.html", helpdesk_a, portal_a)


def test_the_tag_gives_nothing_to_visitors_and_no_count_to_vendors(portal_a, vendor_a):
    from django.template import Context

    from inaproc.helpdesk.templatetags.helpdesk_dashboard import helpdesk_dashboard

    assert helpdesk_dashboard(Context({"user": AnonymousUser(), "portal": portal_a})) == {}
    assert "open_count" not in helpdesk_dashboard(Context({"user": vendor_a, "portal": portal_a}))


@pytest.mark.parametrize(("tickets", "listed", "all_link"), [(4, 4, None), (5, 5, None), (6, 5, 6)])
def test_the_panel_lists_five_and_links_to_all_only_beyond(
    portal_a, vendor_a, tickets, listed, all_link
):
    for n in range(tickets):
        open_ticket(portal_a, requester=vendor_a, email=f"t{n}@example.id")

    with CaptureQueriesContext(connection) as captured:
        html = render("_dashboard_tickets.html", vendor_a, portal_a)

    assert len(re.findall(r'href="/lpse-a/bantuan/tiket/\d+/"', html)) == listed
    assert ("open tickets</a>" in html) is (all_link is not None)
    if all_link:
        assert f"All {all_link} open tickets" in html
    # Fewer than a panel's five: no COUNT query.
    assert any("COUNT(" in query["sql"] for query in captured) is (tickets >= 5)
