"""The pages a signed-in person lands on read a fixed number of queries, whatever the
number of rows they show (issue 15 item 1: signed-in dashboards; benchmarks/dashboards
measures them). Each test counts a page with one row, then with five more: the same
count (no query per row), and at most the bound pinned here, so that a new query per
request or per panel shows up in review. The test settings have no shared cache, so
the portal and the maintenance windows are queries here (Redis round trips in
production)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inaproc.accounts.models import LoginOutcome, Role
from inaproc.accounts.services.signin import attempt_record
from inaproc.core.context import ClientInfo
from inaproc.tenders.services.participation import participation_join
from tests.factories import make_user
from tests.helpdesk.ticket_builders import open_ticket
from tests.helpers import signed_in
from tests.tenders.participation_factories import make_vendor, published_tender
from tests.vendors.builders import register_submitted

pytestmark = pytest.mark.django_db


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def _fixed(client, path: str, add_rows, bound: int) -> None:
    """The page's queries with the rows there are, then after `add_rows()`: the same,
    and at most `bound`."""
    before = _queries(client, path)
    add_rows()
    after = _queries(client, path)
    assert after == before, f"{path}: {before} queries, then {after} with more rows"
    assert after <= bound, f"{path}: {after} queries, more than the {bound} pinned"


def test_the_vendors_dashboard_and_company_page(portal_a):
    member = make_vendor(portal_a)
    client = signed_in(member.user)

    def join_five() -> None:
        for _ in range(5):
            participation_join(
                package=published_tender(portal_a), member=member, integrity_pact=True
            )

    participation_join(package=published_tender(portal_a), member=member, integrity_pact=True)
    # 17: this vendor's address is proven by none of the three ways the ticket panel
    # checks one after the other (an applicant with a confirmed address costs two less).
    _fixed(client, "/lpse-a/dasbor/", join_five, bound=17)
    assert _queries(client, "/lpse-a/perusahaan/") <= 12


def test_the_login_activity_page(portal_a):
    user = make_user(portal_a)
    client = signed_in(user)

    def attempts(count: int) -> None:
        for _ in range(count):
            attempt_record(
                portal=portal_a,
                username=user.username,
                outcome=LoginOutcome.SUCCESS,
                client=ClientInfo("10.0.0.1", "Firefox", "Firefox", "Linux"),
                user=user,
            )

    attempts(1)
    _fixed(client, "/lpse-a/akun/aktivitas-masuk/", lambda: attempts(5), bound=6)


def test_the_verifiers_queue(portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER)
    client = signed_in(verifier)
    register_submitted(portal_a)

    def register_five() -> None:
        for _ in range(5):
            register_submitted(portal_a)

    _fixed(client, "/lpse-a/staf/verifikasi/", register_five, bound=11)


def test_the_helpdesk_queue_and_dashboard(portal_a):
    officer = make_user(portal_a, role=Role.HELPDESK)
    client = signed_in(officer)
    open_ticket(portal_a)

    def open_five() -> None:
        for _ in range(5):
            open_ticket(portal_a)

    _fixed(client, "/lpse-a/staf/helpdesk/tiket/", open_five, bound=8)
    _fixed(client, "/lpse-a/dasbor/", lambda: open_ticket(portal_a), bound=10)
