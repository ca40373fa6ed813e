"""Invitations to a non-tender package: the Pejabat Pengadaan finds approved companies
of the portal (by name or NPWP, filtered by the package's KBLI), invites and withdraws;
only invited companies may join."""

import pytest

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import Invitation, PackageState, Participation
from inaproc.tenders.services.invitations import (
    InvitationRefused,
    invitation_make,
    invitation_withdraw,
)
from inaproc.tenders.services.participation import ParticipationRefused, participation_join
from inaproc.vendors.companies.selectors.search import approved_companies_search
from inaproc.vendors.models import RegistrationStatus
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.invitation_factories import invite, non_tender_package
from tests.tenders.participation_factories import make_vendor, published_tender
from tests.tenders.public_factories import make_kbli

pytestmark = pytest.mark.django_db


def _url(package, rest=""):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/undangan/{rest}"


def test_the_official_invites_an_approved_company_audited_and_emailed(portal_a):
    """An invitation is stored, audited, and emailed to the company's administrators."""
    package, official = non_tender_package(portal_a)
    vendor = make_vendor(portal_a)
    invitation_make(package=package, user=official, company=vendor.company)
    assert Invitation.objects.filter(package=package, company=vendor.company).exists()
    assert AuditEvent.objects.filter(verb="tender.company_invited").count() == 1
    assert Email.objects.filter(to=vendor.user.email, template="tenders/email/invited").exists()


def test_inviting_twice_another_portals_or_an_unapproved_company_is_refused(
    portal_a, portal_b, english
):
    """A second invitation, another portal's company, a company not approved: refused."""
    package, official = non_tender_package(portal_a)
    vendor = make_vendor(portal_a)
    invitation_make(package=package, user=official, company=vendor.company)
    with pytest.raises(InvitationRefused, match="already invited"):
        invitation_make(package=package, user=official, company=vendor.company)
    with pytest.raises(InvitationRefused, match="not registered on this portal"):
        invitation_make(package=package, user=official, company=make_vendor(portal_b).company)
    pending = make_vendor(portal_a, status=RegistrationStatus.SUBMITTED)
    with pytest.raises(InvitationRefused, match="approved"):
        invitation_make(package=package, user=official, company=pending.company)
    assert Invitation.objects.count() == 1


def test_a_tender_run_by_a_pokja_takes_no_invitations(portal_a):
    """Invitations are for non-tender packages only."""
    package = published_tender(portal_a)
    member = package.pokja.members.first().user
    with pytest.raises(InvitationRefused):
        invitation_make(package=package, user=member, company=make_vendor(portal_a).company)


def test_someone_else_cannot_invite(portal_a):
    """Another Pejabat Pengadaan of the portal is refused by the service, 404 by the page."""
    package, _official = non_tender_package(portal_a)
    other = make_user(portal_a, role=Role.PEJABAT_PENGADAAN)
    company = make_vendor(portal_a).company
    with pytest.raises(InvitationRefused):
        invitation_make(package=package, user=other, company=company)
    client = signed_in(other)
    assert client.get(_url(package)).status_code == 404
    assert client.post(_url(package, "tambah/"), {"company": company.pk}).status_code == 404


def test_withdrawing_before_joining_only(portal_a, english):
    """An invitation is withdrawn before the company joined, not after."""
    package, official = non_tender_package(portal_a)
    first, second = make_vendor(portal_a), make_vendor(portal_a)
    invite(package, first.company)
    invite(package, second.company)
    invitation_withdraw(package=package, user=official, company=first.company)
    assert not Invitation.objects.filter(company=first.company).exists()
    assert AuditEvent.objects.filter(verb="tender.invitation_withdrawn").count() == 1
    participation_join(package=package, member=second, integrity_pact=True)
    with pytest.raises(InvitationRefused, match="already joined"):
        invitation_withdraw(package=package, user=official, company=second.company)
    with pytest.raises(InvitationRefused, match="not invited"):
        invitation_withdraw(package=package, user=official, company=first.company)


def test_joining_without_an_invitation_is_refused(portal_a, english):
    """Only invited companies join a non-tender package; the join page says why."""
    package, _official = non_tender_package(portal_a)
    stranger = make_vendor(portal_a)
    with pytest.raises(ParticipationRefused, match="by invitation only"):
        participation_join(package=package, member=stranger, integrity_pact=True)
    response = signed_in(stranger.user, english=True).post(
        f"/{portal_a.slug}/tender/{package.code}/ikut/", {"integrity_pact": "on"}
    )
    assert response.status_code == 200
    assert "by invitation only" in response.content.decode()
    assert not Participation.objects.exists()
    invited = make_vendor(portal_a)
    invite(package, invited.company)
    participation_join(package=package, member=invited, integrity_pact=True)
    assert Participation.objects.filter(company=invited.company).exists()


def test_the_search_finds_approved_companies_of_the_portal_with_the_kbli(portal_a, portal_b):
    """Name or NPWP, approved only, this portal only, the package's KBLI only."""
    kbli, other_kbli = make_kbli("46100"), make_kbli("47111")
    approved = make_vendor(portal_a).company
    approved.name = "CV Sumber Makmur"
    approved.save()
    approved.sectors.add(kbli)
    wrong_sector = make_vendor(portal_a).company
    wrong_sector.name = "CV Sumber Lain"
    wrong_sector.save()
    wrong_sector.sectors.add(other_kbli)
    pending = make_vendor(portal_a, status=RegistrationStatus.SUBMITTED).company
    pending.name = "CV Sumber Tertunda"
    pending.save()
    elsewhere = make_vendor(portal_b).company
    elsewhere.name = "CV Sumber Jauh"
    elsewhere.save()
    found = approved_companies_search(portal=portal_a, query="sumber", kbli_codes=["46100"])
    assert found == [approved]
    everyone = approved_companies_search(portal=portal_a, query="Sumber")
    assert set(everyone) == {approved, wrong_sector}
    assert approved_companies_search(portal=portal_a, query=approved.npwp[-6:]) == [approved]
    assert approved_companies_search(portal=portal_a, query="   ") == []


def test_the_invitations_page_searches_invites_and_withdraws(portal_a, portal_b):
    """The page finds, invites and withdraws; another portal's company id is 404."""
    package, official = non_tender_package(portal_a, state=PackageState.ASSIGNED)
    vendor = make_vendor(portal_a)
    client = signed_in(official)
    page = client.get(_url(package), {"q": vendor.company.name})
    assert page.status_code == 200
    assert vendor.company.name in page.content.decode()
    assert client.post(_url(package, "tambah/"), {"company": vendor.company.pk}).status_code == 302
    assert Invitation.objects.filter(company=vendor.company).exists()
    detail = client.get(f"/{portal_a.slug}/staf/paket/{package.pk}/")
    assert vendor.company.name in detail.content.decode()
    elsewhere = make_vendor(portal_b).company
    assert client.post(_url(package, "tambah/"), {"company": elsewhere.pk}).status_code == 404
    assert client.post(_url(package, "tambah/"), {"company": "abc"}).status_code == 404
    assert client.post(_url(package, "batal/"), {"company": vendor.company.pk}).status_code == 302
    assert not Invitation.objects.exists()


def test_the_public_page_says_participation_is_by_invitation(portal_a, client):
    """The public announcement of a non-tender package says it is by invitation only."""
    package, _official = non_tender_package(portal_a)
    page = client.get(f"/{portal_a.slug}/tender/{package.code}/")
    assert page.status_code == 200
    assert "Hanya dengan undangan" in page.content.decode()
    spse = client.get(f"/{portal_a.slug}/nontender/{package.code}/pengumumanpl")
    assert spse.status_code == 200
    assert "Dengan undangan" in spse.content.decode()


def test_my_tenders_lists_open_invitations_until_the_company_joins(portal_a):
    """The invited company's "My tenders" page links to the join page; once joined, the
    invitation is no longer listed; another company sees none."""
    package, _official = non_tender_package(portal_a)
    vendor, other = make_vendor(portal_a), make_vendor(portal_a)
    invite(package, vendor.company)
    join_url = f"/{portal_a.slug}/tender/{package.code}/ikut/"
    page = signed_in(vendor.user).get(f"/{portal_a.slug}/perusahaan/tender/")
    assert page.status_code == 200 and join_url in page.content.decode()
    other_page = signed_in(other.user).get(f"/{portal_a.slug}/perusahaan/tender/")
    assert join_url not in other_page.content.decode()
    participation_join(package=package, member=vendor, integrity_pact=True)
    page = signed_in(vendor.user).get(f"/{portal_a.slug}/perusahaan/tender/")
    assert join_url not in page.content.decode()
