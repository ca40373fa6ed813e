"""Done-when of issue 5 (company data): an unapproved critical change never shows on
anything the public or the vendor's tenders would read. Every read of company data reads
the Company row and its current Documents; proposals live only in ChangeRequest and
ProposedDocument. These tests walk every parameterless page of the portal (and the pages
about the company) as each kind of user while a change waits, and after it is rejected."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from inaproc.accounts.models import Role
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.companies.selectors.company import company_documents, company_for_user
from inaproc.vendors.companies.services.changes import change_request_reject
from inaproc.vendors.models import Company, CompanyRole
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.builders import npwp_make
from tests.vendors.change_builders import approved, licence, member, submit_change

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PROPOSED = {
    "name": "PT Nama Usulan Rahasia",
    "nib": "9120009999001",
    "representative_name": "Wakil Usulan Rahasia",
    "representative_position": "Jabatan Usulan Rahasia",
}
PROPOSED_FILE = "izin-usulan-rahasia.pdf"
# The pages that are about the proposal itself: the admin's own request and the
# verifier's review of it.
PROPOSAL_PAGES = ("perusahaan/perubahan/", "staf/verifikasi/perubahan/")


def portal_paths() -> list[str]:
    """Every URL pattern inside a portal that takes no argument (but the portal's slug)."""
    portal_patterns = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and "portal_slug" in str(p.pattern)
    )

    def walk(patterns, prefix: str) -> list[str]:
        paths = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                paths += walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route:
                paths.append(route)
        return paths

    paths = walk(portal_patterns.url_patterns, "")
    return sorted({p for p in paths if p not in ("keluar/",)})


def client_of(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        signed_in(user, client=client)
    return client


@pytest.fixture
def pending(portal_a):
    registration = approved(portal_a)
    change = submit_change(
        registration,
        npwp=npwp_make(9500),
        sectors=["43211"],
        uploads=[licence(PROPOSED_FILE)],
        **PROPOSED,
    )
    return registration, change


def readers(portal_a, registration) -> dict[str, Client]:
    company = registration.company
    return {
        "anonymous": client_of(),
        "admin": client_of(registration.applicant),
        "viewer": client_of(member(company, role=CompanyRole.VIEWER)),
        "bid_preparer": client_of(member(company, role=CompanyRole.BID_PREPARER)),
        "verifier": client_of(make_user(portal_a, role=Role.VERIFIER)),
        "helpdesk": client_of(make_user(portal_a, role=Role.HELPDESK)),
        "portal_admin": client_of(make_user(portal_a, role=Role.PORTAL_ADMIN)),
    }


def assert_no_proposal_on_any_page(portal_a, registration, change) -> None:
    npwp = change.proposed["npwp"]
    secrets = [*PROPOSED.values(), PROPOSED_FILE, npwp, npwp[1:]]
    paths = [p for p in portal_paths() if not p.startswith(PROPOSAL_PAGES)]
    paths.append(f"staf/verifikasi/{registration.pk}/")
    assert "perusahaan/" in paths and "dasbor/" in paths and "" in paths
    for who, client in readers(portal_a, registration).items():
        for path in paths:
            response = client.get(f"/lpse-a/{path}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace")
            for secret in secrets:
                assert secret not in text, (who, path, secret)


def test_a_pending_change_shows_on_no_page(portal_a, pending):
    registration, change = pending

    assert_no_proposal_on_any_page(portal_a, registration, change)


def test_a_rejected_change_shows_on_no_page(portal_a, pending):
    registration, change = pending
    verifier = make_user(portal_a, role=Role.VERIFIER)
    change_request_reject(change_id=change.pk, portal=portal_a, verifier=verifier, reason="Tidak.")

    assert_no_proposal_on_any_page(portal_a, registration, change)


def test_the_reads_of_company_data_return_the_approved_data(pending):
    registration, change = pending
    company = Company.objects.get(pk=registration.company_id)

    data = CompanyData.from_company(company_for_user(user=registration.applicant))

    assert data.name == registration.company.name != PROPOSED["name"]
    assert data.npwp == registration.company.npwp
    assert data.sectors == ("41011", "43211")
    assert PROPOSED_FILE not in [d.original_name for d in company_documents(company=company)]


def test_the_proposal_is_shown_where_it_belongs(portal_a, pending):
    registration, change = pending
    verifier = make_user(portal_a, role=Role.VERIFIER)

    own = client_of(registration.applicant).get("/lpse-a/perusahaan/perubahan/")
    review = client_of(verifier).get(f"/lpse-a/staf/verifikasi/perubahan/{change.pk}/")

    for response in (own, review):
        assert PROPOSED["name"] in response.text
        assert PROPOSED_FILE in response.text
