"""The active vendor's company page, and the dashboard panels of vendors and verifiers."""

import pytest
from django.utils import translation

from inaproc.accounts.models import Role
from inaproc.core.templatetags.inaproc import wib
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.registrations.services.registration import registration_resubmit
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
)
from tests.factories import make_portal, make_user
from tests.helpers import signed_in
from tests.vendors.builders import checked, register, register_sent_back, register_submitted
from tests.vendors.change_builders import approved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

COMPANY_URL = "/lpse-a/perusahaan/"


def test_anonymous_is_sent_to_the_login(client, portal_a):
    response = client.get(COMPANY_URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/masuk/?next=%2Flpse-a%2Fperusahaan%2F"


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_staff_are_refused(portal_a, role):
    response = signed_in(make_user(portal_a, role=role)).get(COMPANY_URL)

    assert response.status_code == 403


def test_vendor_without_a_company_gets_404(portal_a):
    response = signed_in(make_user(portal_a)).get(COMPANY_URL)

    assert response.status_code == 404


def test_vendor_of_another_portal_is_anonymous_here(portal_a, portal_b):
    registration = approved(portal_b)
    client = signed_in(registration.applicant)

    response = client.get(COMPANY_URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")
    assert client.get("/lpse-b/perusahaan/").status_code == 200


def test_each_vendor_sees_only_their_own_company(portal_a):
    mine, theirs = approved(portal_a), approved(portal_a)

    page = signed_in(mine.applicant).get(COMPANY_URL)

    assert page.context["company"] == mine.company
    assert mine.company.name in page.text
    assert theirs.company.name not in page.text


def test_company_page_shows_all_the_data_documents_and_history(portal_a):
    registration = approved(portal_a)
    company = registration.company

    page = signed_in(registration.applicant).get(COMPANY_URL)

    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert f"<h1>{company.name}</h1>" in page.text
    with translation.override("en"):
        assert f"Verified since {wib(registration.decided_at)}." in page.text
    npwp = company.npwp[1:]
    readable = f"{npwp[:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8]}-{npwp[9:12]}.{npwp[12:]}"
    for text in (
        f"<dd>{readable}</dd>",
        f"<dd>{company.nib}</dd>",
        "<dd>Limited liability company (PT)</dd>",
        "<dd>Jawa Barat</dd>",
        "<dd>Kota Bandung</dd>",
        "<dd>Jl. Asia Afrika No. 1</dd>",
        "<dd>40111</dd>",
        "<dd>+6281234567890</dd>",
        f"<dd>{company.email}</dd>",
        "<li><code>41011</code> Konstruksi Gedung Hunian</li>",
        "<li><code>43211</code> Instalasi Listrik</li>",
        "<dd>Budi Santoso</dd>",
        "<dd>3171011708450001</dd>",
        "<dd>Direktur Utama</dd>",
    ):
        assert text in page.text, text
    for document in company.documents.all():
        assert f'href="/lpse-a/dokumen/{document.public_id}/"' in page.text
        assert f'href="/lpse-a/dokumen/{document.public_id}/?download=1"' in page.text
    assert "Approved; account activated" in page.text
    assert (
        page.headers["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_replaced_documents_appear_in_the_history(portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER)
    registration = register_sent_back(
        portal_a, verifier=verifier, notes={"document:nib": "Unreadable."}
    )
    old_nib = registration.company.documents.get(kind="nib")
    registration_resubmit(
        registration_id=registration.pk,
        portal=portal_a,
        company=CompanyData.from_company(registration.company),
        uploads=[checked("nib", "nib-baru.pdf")],
        remove_document_ids={old_nib.pk},
    )
    registration_approve(registration_id=registration.pk, portal=portal_a, verifier=verifier)
    registration.applicant.refresh_from_db()

    page = signed_in(registration.applicant).get(COMPANY_URL)

    assert page.context["removed_documents"] == [old_nib]
    assert "Replaced or removed documents" in page.text
    assert f'href="/lpse-a/dokumen/{old_nib.public_id}/"' in page.text
    current = [d for group in page.context["document_groups"] for d in group.documents]
    assert old_nib not in current
    assert "nib-baru.pdf" in page.text
    assert "<dt>NIB (business identification number)</dt><dd>Unreadable.</dd>" in page.text


def test_dashboard_vendor_panel_summarises_the_company(portal_a):
    registration = approved(portal_a)
    company = registration.company

    page = signed_in(registration.applicant).get("/lpse-a/dasbor/")

    panel = page.text[page.text.index('id="panel-vendor"') :]
    panel = panel[: panel.index("</section>")]
    npwp = company.npwp[1:]
    assert f"<dd>{company.name}</dd>" in panel
    assert f"<dd>{npwp[:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8]}-" in panel
    with translation.override("en"):
        assert f"Verified since {wib(registration.decided_at)}" in panel
    assert 'href="/lpse-a/perusahaan/"' in panel


def test_dashboard_vendor_panel_without_company(portal_a):
    page = signed_in(make_user(portal_a)).get("/lpse-a/dasbor/")

    assert "No company is linked to your account." in page.text
    assert 'href="/lpse-a/perusahaan/"' not in page.text


def test_dashboard_verifier_panel_counts_this_portals_waiting_registrations(portal_a, portal_b):
    register_submitted(portal_a)
    register_submitted(portal_a)
    register(portal_a)  # email not confirmed: not waiting yet
    register_submitted(portal_b)
    approved(portal_a)

    page = signed_in(make_user(portal_a, role=Role.VERIFIER)).get("/lpse-a/dasbor/")

    assert "2 vendor registrations are waiting for verification." in page.text
    assert 'href="/lpse-a/staf/verifikasi/"' in page.text


def test_dashboard_verifier_panel_with_one_registration(portal_a):
    register_submitted(portal_a)

    page = signed_in(make_user(portal_a, role=Role.VERIFIER)).get("/lpse-a/dasbor/")

    assert "1 vendor registration is waiting for verification." in page.text


def test_dashboard_of_other_roles_has_no_vendor_panels(portal_a):
    page = signed_in(make_user(portal_a, role=Role.HELPDESK)).get("/lpse-a/dasbor/")

    assert 'id="panel-vendor"' not in page.text
    assert 'id="panel-verifier"' not in page.text


def test_company_page_of_a_portal_without_vendors_is_404_for_a_plain_vendor():
    portal = make_portal("lpse-c")

    response = signed_in(make_user(portal)).get("/lpse-c/perusahaan/")

    assert response.status_code == 404
