"""Changes of company data in the verifiers' queue (with the registrations, marked as a
change) and on their review page: approved beside proposed data, documents previewed, the
decision and its conflicts."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.changes import (
    change_request_approve,
    change_request_withdraw,
)
from inaproc.vendors.models import ChangeRequestStatus, CompanyRole
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.builders import company_data, npwp_make, register_submitted
from tests.vendors.change_builders import (
    NEW_NAME,
    approved,
    licence,
    member,
    submit_change,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

QUEUE = "/lpse-a/staf/verifikasi/"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def review_url(change, slug: str = "lpse-a") -> str:
    return f"/{slug}/staf/verifikasi/perubahan/{change.pk}/"


@pytest.fixture
def verifier(portal_a):
    return make_user(portal_a, role=Role.VERIFIER, full_name="Vera Verif")


@pytest.fixture
def registration(portal_a):
    return approved(portal_a, company=company_data(name="PT Lama Jaya"))


@pytest.fixture
def change(registration):
    return submit_change(
        registration, name=NEW_NAME, sectors=["43211"], uploads=[licence("izin-2030.pdf")]
    )


def approve(client, change, **data):
    return client.post(review_url(change), {"decision": "approve", "confirmed": "on", **data})


def assert_still_pending(change, registration) -> None:
    change.refresh_from_db()
    registration.company.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING
    assert registration.company.name == "PT Lama Jaya"
    assert not Email.objects.filter(
        template__in=[
            "vendors/email/company_change_approved",
            "vendors/email/company_change_rejected",
        ]
    ).exists()
    assert not AuditEvent.objects.filter(
        verb__in=["company_change.approved", "company_change.rejected"]
    ).exists()


# --- The queue ----------------------------------------------------------------------------


def test_queue_lists_changes_with_registrations_by_waiting_time_marked_as_a_change(
    portal_a, verifier
):
    with time_machine.travel(START - timedelta(days=5), tick=False):
        company = approved(portal_a, company=company_data(name="PT Berubah"))
    with time_machine.travel(START - timedelta(days=3), tick=False):
        register_submitted(portal_a, company=company_data(name="PT Tiga Hari"))
    with time_machine.travel(START - timedelta(days=2), tick=False):
        change = submit_change(company, nib="9120000000777")
    with time_machine.travel(START - timedelta(days=1), tick=False):
        register_submitted(portal_a, company=company_data(name="PT Kemarin"))

    with time_machine.travel(START, tick=False):
        html = signed_in(verifier).get(QUEUE).text

    names = ["PT Tiga Hari", "PT Berubah", "PT Kemarin"]
    positions = [html.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    row = re.search(r'<tr class="change-row">.*?</tr>', html, flags=re.S).group(0)
    assert f'href="{review_url(change)}"' in row
    assert '<strong class="status-tag status-change">Data change</strong>' in row
    assert "<td>2 days</td>" in row
    assert "2 registrations." in html
    assert "1 change of company data." in html


def test_queue_type_filter(portal_a, verifier, change):
    register_submitted(portal_a, company=company_data(name="PT Baru Daftar"))
    client = signed_in(verifier)

    changes = client.get(QUEUE, {"kind": "change"}).text
    registrations = client.get(QUEUE, {"kind": "registration"}).text

    assert f'href="{review_url(change)}"' in changes
    assert "PT Baru Daftar" not in changes
    assert "PT Baru Daftar" in registrations
    assert f'href="{review_url(change)}"' not in registrations
    assert '<option value="change" selected>' in changes


def test_queue_status_filter_applies_to_changes(portal_a, verifier, registration, change):
    change_request_withdraw(change_id=change.pk, portal=portal_a, user=registration.applicant)
    client = signed_in(verifier)

    waiting = client.get(QUEUE).text
    withdrawn = client.get(QUEUE, {"status": "withdrawn"}).text
    submitted = client.get(QUEUE, {"status": "submitted"}).text

    assert f'href="{review_url(change)}"' not in waiting
    assert f'href="{review_url(change)}"' in withdrawn
    assert f'href="{review_url(change)}"' not in submitted


def test_queue_search_finds_changes_by_name_and_npwp(verifier, registration, change):
    client = signed_in(verifier)

    by_name = client.get(QUEUE, {"q": "lama jaya"}).text
    by_npwp = client.get(QUEUE, {"q": registration.company.npwp[1:]}).text
    nothing = client.get(QUEUE, {"q": "PT Tidak Ada"}).text

    assert f'href="{review_url(change)}"' in by_name
    assert f'href="{review_url(change)}"' in by_npwp
    assert f'href="{review_url(change)}"' not in nothing


def test_queue_garbage_filters_do_not_fail(verifier, change):
    response = signed_in(verifier).get(QUEUE, {"kind": "x\x00", "status": "\x00", "page": "-1"})

    assert response.status_code == 200
    assert 'id="id_kind_errors"' in response.text
    assert f'href="{review_url(change)}"' in response.text


def test_queue_of_another_portal_does_not_list_the_change(portal_b, change):
    html = signed_in(make_user(portal_b, role=Role.VERIFIER)).get("/lpse-b/staf/verifikasi/").text

    assert "PT Lama Jaya" not in html


def test_dashboard_counts_waiting_changes_for_verifiers(portal_a, verifier, change):
    register_submitted(portal_a)

    template = Template(
        "{% load vendor_dashboard %}{% vendor_dashboard as panel %}"
        "{{ panel.pending_count }}/{{ panel.pending_registrations }}/{{ panel.pending_changes }}"
    )

    rendered = template.render(Context({"user": verifier, "portal": portal_a}))

    assert rendered == "2/1/1"


# --- Who may review -----------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, change, registration):
    response = client.get(review_url(change))

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/?next=")
    assert approve(client, change).status_code == 302
    assert_still_pending(change, registration)


@pytest.mark.parametrize("role", [Role.HELPDESK, Role.PORTAL_ADMIN])
def test_other_staff_are_forbidden(portal_a, change, registration, role):
    client = signed_in(make_user(portal_a, role=role))

    assert client.get(review_url(change)).status_code == 403
    assert approve(client, change).status_code == 403
    assert_still_pending(change, registration)


def test_the_company_admin_is_forbidden(change, registration):
    client = signed_in(registration.applicant)

    assert client.get(review_url(change)).status_code == 403
    assert approve(client, change).status_code == 403
    assert_still_pending(change, registration)


def test_verifier_of_another_portal_gets_404(portal_b, change, registration):
    client = signed_in(make_user(portal_b, role=Role.VERIFIER))

    assert client.get(review_url(change, "lpse-b")).status_code == 404
    assert client.post(review_url(change, "lpse-b"), {"decision": "approve"}).status_code == 404
    assert_still_pending(change, registration)


def test_unknown_change_is_404(verifier):
    assert signed_in(verifier).get("/lpse-a/staf/verifikasi/perubahan/999999/").status_code == 404


# --- The review page ----------------------------------------------------------------------


def test_review_page_shows_approved_beside_proposed_data_and_previews_the_documents(
    verifier, registration, change
):
    page = signed_in(verifier).get(review_url(change))

    assert page.status_code == 200
    assert len(re.findall(r"<h1[\s>]", page.text)) == 1
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    name_row = re.search(
        r'<tr class="changed-row">\s*<th scope="row">Company name.*?</tr>', page.text, flags=re.S
    ).group(0)
    assert "PT Lama Jaya" in name_row and NEW_NAME in name_row
    nib_row = re.search(r"<tr>\s*<th scope=\"row\">NIB</th>.*?</tr>", page.text, flags=re.S).group(
        0
    )
    assert "unchanged" in nib_row
    proposed = change.proposed_documents.get()
    assert (
        f'<iframe class="document-preview" src="/lpse-a/dokumen/{proposed.public_id}/"' in page.text
    )
    assert "New: izin-2030.pdf" in page.text


def test_approving_needs_the_confirmation(verifier, registration, change):
    response = signed_in(verifier).post(review_url(change), {"decision": "approve"})

    assert response.status_code == 200
    assert 'id="approve-confirmed_errors"' in response.text
    assert_still_pending(change, registration)


def test_approving_applies_the_change_and_tells_the_vendor(verifier, registration, change):
    client = signed_in(verifier)

    response = approve(client, change)

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    registration.company.refresh_from_db()
    assert registration.company.name == NEW_NAME
    assert Email.objects.get(template="vendors/email/company_change_approved").to == (
        registration.company.email
    )
    page = signed_in(registration.applicant).get("/lpse-a/perusahaan/")
    assert f"<h1>{NEW_NAME}</h1>" in page.text
    assert "izin-2030.pdf" in page.text


def test_rejecting_needs_a_reason_and_keeps_the_data(verifier, registration, change):
    client = signed_in(verifier)

    without = client.post(review_url(change), {"decision": "reject", "reason": "  "})
    assert without.status_code == 200
    assert 'id="reject-reason_errors"' in without.text
    assert_still_pending(change, registration)

    response = client.post(review_url(change), {"decision": "reject", "reason": "NIB beda."})

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.REJECTED
    registration.company.refresh_from_db()
    assert registration.company.name == "PT Lama Jaya"


def test_an_unknown_or_ambiguous_decision_is_400(verifier, registration, change):
    client = signed_in(verifier)

    for decision in (["\x00"], ["approve", "reject"], []):
        response = client.post(review_url(change), {"decision": decision, "confirmed": "on"})
        assert response.status_code == 400
    assert_still_pending(change, registration)


def test_a_decision_after_another_verifier_decided_is_a_409(portal_a, verifier, change):
    first = make_user(portal_a, role=Role.VERIFIER, full_name="Budi Pertama")
    page_opened = signed_in(verifier)
    page_opened.get(review_url(change))
    change_request_approve(change_id=change.pk, portal=portal_a, verifier=first)

    response = page_opened.post(review_url(change), {"decision": "reject", "reason": "Tidak."})

    assert response.status_code == 409
    assert "already decided by Budi Pertama" in response.text
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.APPROVED
    assert not Email.objects.filter(template="vendors/email/company_change_rejected").exists()


def test_approving_when_the_npwp_was_taken_meanwhile_is_a_409(portal_a, verifier, registration):
    new_npwp = npwp_make(9100)
    change = submit_change(registration, npwp=new_npwp)
    approved(portal_a, company=company_data(npwp=new_npwp))

    response = approve(signed_in(verifier), change)

    assert response.status_code == 409
    assert "Another company of this portal now has the proposed NPWP" in response.text
    change.refresh_from_db()
    assert change.is_pending


def test_proposed_documents_open_for_staff_audited_and_for_the_company_only(
    portal_a, portal_b, verifier, registration, change
):
    proposed = change.proposed_documents.get()
    url = f"/lpse-a/dokumen/{proposed.public_id}/"
    helpdesk = make_user(portal_a, role=Role.HELPDESK)
    stranger = approved(portal_a).applicant
    other_portal_staff = make_user(portal_b, role=Role.VERIFIER)

    as_verifier = signed_in(verifier).get(url)
    as_helpdesk = signed_in(helpdesk).get(url)
    as_viewer = signed_in(member(registration.company, role=CompanyRole.VIEWER)).get(url)

    for response in (as_verifier, as_helpdesk, as_viewer):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
    viewed = AuditEvent.objects.filter(verb="document.viewed", target_id=str(proposed.pk))
    assert sorted(e.actor_id for e in viewed) == sorted([verifier.pk, helpdesk.pk])
    assert viewed.first().payload["proposed"] is True
    assert signed_in(stranger).get(url).status_code == 404
    assert (
        signed_in(other_portal_staff).get(f"/lpse-b/dokumen/{proposed.public_id}/").status_code
        == 404
    )
    assert (
        signed_in(registration.applicant).get(f"/lpse-b/dokumen/{proposed.public_id}/").status_code
        == 404
    )
