"""Documents with an end date: the daily `warn_expiring_documents` emails the company once
per document 30 days before the date (audited as the system, idempotent); the company page
and the dashboard panel flag documents that end soon or have ended."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.selectors.changes import documents_expiring
from inaproc.vendors.companies.services.changes import change_request_approve
from inaproc.vendors.companies.services.expiry import expiring_documents_warn
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import CompanyRole, Document
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.change_builders import approved, licence, member, submit_change

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = date(2027, 3, 1)
NOON = timezone.datetime(2027, 3, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
TEMPLATE = "vendors/email/documents_expiring"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def with_licences(registration, *ends: date) -> list[Document]:
    """Licences valid until each of `ends`, through approved change requests."""
    verifier = make_user(registration.company.portal, role=Role.VERIFIER)
    for n, end in enumerate(ends):
        change = submit_change(registration, uploads=[licence(f"izin-{n}.pdf")], valid_until=end)
        change_request_approve(
            change_id=change.pk, portal=registration.company.portal, verifier=verifier
        )
    return list(
        registration.company.documents.filter(kind=DocumentKind.BUSINESS_LICENCE).order_by("pk")
    )


def test_documents_expiring_lists_current_documents_ending_within_30_days_or_ended(
    registration,
):
    soon, later, ended, removed = with_licences(
        registration,
        TODAY + timedelta(days=30),
        TODAY + timedelta(days=31),
        TODAY - timedelta(days=2),
        TODAY + timedelta(days=3),
    )
    Document.objects.filter(pk=removed.pk).update(removed_at=timezone.now())

    items = documents_expiring(registration.company)

    assert [(i.document, i.days_left, i.expired) for i in items] == [
        (ended, -2, True),
        (soon, 30, False),
    ]


def test_the_command_warns_once_per_document_and_records_it(registration, portal_a):
    soon, _later = with_licences(
        registration, TODAY + timedelta(days=10), TODAY + timedelta(days=90)
    )
    out = StringIO()

    call_command("warn_expiring_documents", stdout=out)

    email = Email.objects.get(template=TEMPLATE)
    assert email.to == registration.company.email
    assert "izin-0.pdf" in email.body
    assert "ends on 11 March 2027" in email.body
    assert "izin-1.pdf" not in email.body
    assert "/lpse-a/perusahaan/perubahan/" in email.body
    soon.refresh_from_db()
    assert soon.expiry_warned_at == timezone.now()
    event = AuditEvent.objects.get(verb="document.expiry_warned")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.target_id == str(soon.pk)
    assert event.payload["valid_until"] == "2027-03-11"
    assert "Warned of 1 expiring or expired document(s)." in out.getvalue()


def test_running_again_sends_nothing_new(registration):
    with_licences(registration, TODAY + timedelta(days=10))
    expiring_documents_warn()

    assert expiring_documents_warn() == 0
    assert Email.objects.filter(template=TEMPLATE).count() == 1
    assert AuditEvent.objects.filter(verb="document.expiry_warned").count() == 1


def test_a_later_run_warns_of_documents_that_came_within_30_days(registration, clock):
    with_licences(registration, TODAY + timedelta(days=10), TODAY + timedelta(days=45))
    expiring_documents_warn()

    clock.shift(timedelta(days=20))
    warned = expiring_documents_warn()

    assert warned == 1
    emails = Email.objects.filter(template=TEMPLATE).order_by("pk")
    assert emails.count() == 2
    assert "izin-1.pdf" in emails.last().body and "izin-0.pdf" not in emails.last().body


def test_ended_and_removed_documents(registration):
    ended, removed = with_licences(
        registration, TODAY - timedelta(days=1), TODAY + timedelta(days=5)
    )
    Document.objects.filter(pk=removed.pk).update(removed_at=timezone.now())

    assert expiring_documents_warn() == 1

    body = Email.objects.get(template=TEMPLATE).body
    assert "izin-0.pdf: ended on 28 February 2027" in body
    assert "izin-1.pdf" not in body


def test_each_company_gets_its_own_email(portal_a, portal_b, registration):
    other = approved(portal_b)
    with_licences(registration, TODAY + timedelta(days=1))
    with_licences(other, TODAY + timedelta(days=2))

    assert expiring_documents_warn() == 2

    assert sorted(Email.objects.filter(template=TEMPLATE).values_list("to", flat=True)) == sorted(
        [registration.company.email, other.company.email]
    )


def test_company_page_flags_ending_and_ended_documents(registration):
    with_licences(registration, TODAY + timedelta(days=12), TODAY - timedelta(days=3))
    viewer = signed_in(member(registration.company, role=CompanyRole.VIEWER))

    page = viewer.get("/lpse-a/perusahaan/").text

    assert 'id="expiring-documents"' in page
    assert "ends on 13 March 2027 (in 12 days)" in page
    assert "ended on 26 February 2027" in page
    assert '<strong class="status-tag status-expiring">Ends soon</strong>' in page
    assert '<strong class="status-tag status-expired">Expired</strong>' in page
    assert "Your company's administrator can upload the renewed licence." in page


def test_company_page_without_ending_documents_has_no_notice(registration):
    with_licences(registration, TODAY + timedelta(days=200))

    page = signed_in(registration.applicant).get("/lpse-a/perusahaan/").text

    assert 'id="expiring-documents"' not in page
    assert "valid until 17 September 2027" in page


# --- The dashboard panel ------------------------------------------------------------------


def render_panel(user, portal) -> str:
    template = Template('{% include "vendors/_dashboard_changes.html" %}')
    return template.render(Context({"user": user, "portal": portal}))


def test_dashboard_panel_shows_the_pending_change_and_ending_documents(registration, portal_a):
    with_licences(registration, TODAY + timedelta(days=7))
    submit_change(registration, nib="9120000000321")

    html = render_panel(registration.applicant, portal_a)

    assert 'id="panel-company-changes"' in html
    assert "Awaiting verification" in html
    assert "ends on 8 March 2027 (in 7 days)" in html
    assert 'href="/lpse-a/perusahaan/perubahan/"' in html
    assert "9120000000321" not in html


def test_dashboard_panel_says_when_all_is_well(registration, portal_a):
    html = render_panel(registration.applicant, portal_a)

    assert "No change is waiting for verification" in html
    assert 'href="/lpse-a/perusahaan/perubahan/"' in html


def test_dashboard_panel_for_a_viewer_has_no_edit_link(registration, portal_a):
    submit_change(registration, nib="9120000000321")
    viewer = member(registration.company, role=CompanyRole.VIEWER)

    html = render_panel(viewer, portal_a)

    assert "Awaiting verification" in html
    assert 'href="/lpse-a/perusahaan/perubahan/"' not in html


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.VENDOR])
def test_dashboard_panel_is_empty_for_others(portal_a, portal_b, registration, role):
    assert render_panel(make_user(portal_a, role=role), portal_a).strip() == ""
    # The company's own admin on another portal's dashboard.
    assert render_panel(registration.applicant, portal_b).strip() == ""


def test_the_company_page_reads_its_documents_once_for_its_three_lists(registration):
    """Current (by type), ending soon and removed documents from one query: the same
    lists, in the same order, as each list's own query (the dashboard's, the review's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inaproc.vendors.companies.selectors.company import (
        company_document_groups,
        company_removed_documents,
    )

    company = registration.company
    soon, ended, removed, later = with_licences(
        registration,
        TODAY + timedelta(days=12),
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=5),
        TODAY + timedelta(days=90),
    )
    Document.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    viewer = signed_in(member(company, role=CompanyRole.VIEWER))

    with CaptureQueriesContext(connection) as captured:
        page = viewer.get("/lpse-a/perusahaan/")

    assert [item.document for item in page.context["expiring"]] == [ended, soon]
    assert page.context["expiring"] == documents_expiring(company)
    assert page.context["document_groups"] == company_document_groups(company=company)
    assert page.context["removed_documents"] == company_removed_documents(company=company)
    assert removed in page.context["removed_documents"] and later not in page.context["expiring"]
    # The company's documents (not those of its decided changes, read for their history).
    of_company = 'FROM "vendors_document" WHERE "vendors_document"."company_id" = '
    assert len([q for q in captured if of_company in q["sql"]]) == 1
