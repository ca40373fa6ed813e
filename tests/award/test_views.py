"""The award pages: the PPK issues the letter and records the contract through plain
forms (typed rupiah with or without dots; letters or negatives refused next to the
field); the letter's PDF reaches the PPK, the Pokja and the winning company only; the
winning company sees both in "My tenders"; the public pages show the contract without
login, never the PDF; another portal's package is a 404."""

from decimal import Decimal

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.award.models import AwardLetter, Contract
from inaproc.award.services import contract_record
from tests.award.factories import announced_tender, contract_input, issue_letter
from tests.factories import make_user
from tests.helpers import signed_in
from tests.spse import readers
from tests.tenders.participation_factories import make_vendor

pytestmark = pytest.mark.django_db

CONTRACT_FORM = {
    "number": "KTR-01/DPU/2026",
    "signed_on": "2026-12-10",
    "value": "870.000.000",
    "justification": "",
    "ppk_name": "Budi Santoso",
    "ppk_position": "Kepala Bidang",
    "vendor_signatory_name": "Siti Rahma",
    "vendor_signatory_position": "Direktur Utama",
    "starts_on": "2026-12-11",
    "ends_on": "",
    "duration_days": "90",
}


def _url(package, tail=""):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/{tail}"


def test_the_ppk_issues_the_letter_and_records_the_contract_through_the_forms(portal_a):
    package, *_ = announced_tender(portal_a)
    client = signed_in(package.ppk)
    page = client.get(_url(package, "sppbj/"))
    assert page.status_code == 200
    assert b"Issue the award letter" in page.content

    response = client.post(
        _url(package, "sppbj/terbitkan/"),
        {"number": "027/SPPBJ/DPU/XII/2026", "letter_date": "2026-12-07"},
    )
    assert response.status_code == 302
    assert AwardLetter.objects.get().number == "027/SPPBJ/DPU/XII/2026"

    response = client.post(_url(package, "kontrak/"), CONTRACT_FORM)
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.value == Decimal("870000000") and contract.duration_days == 90
    page = client.get(_url(package, "sppbj/")).content.decode()
    assert "KTR-01/DPU/2026" in page and "Rp 870.000.000,00" in page


@pytest.mark.parametrize("value", ["delapan ratus juta", "-870.000.000", "870,5", "0", "87O.000"])
def test_letters_or_negatives_in_the_value_are_refused_next_to_the_field(portal_a, value):
    package, *_ = announced_tender(portal_a)
    issue_letter(package)
    response = signed_in(package.ppk).post(
        _url(package, "kontrak/"), {**CONTRACT_FORM, "value": value}
    )
    assert response.status_code == 200
    assert response.context["contract_form"].errors["value"]
    assert not Contract.objects.exists()


def test_a_value_above_the_hps_asks_for_the_justification_then_shows_it(portal_a, client):
    package, *_ = announced_tender(portal_a)
    issue_letter(package)
    ppk = signed_in(package.ppk)
    above = {**CONTRACT_FORM, "value": "Rp 960.000.000"}
    response = ppk.post(_url(package, "kontrak/"), above)
    assert response.status_code == 200
    assert "HPS" in response.context["contract_form"].errors["justification"][0]
    assert not Contract.objects.exists()

    response = ppk.post(_url(package, "kontrak/"), {**above, "justification": "Eskalasi baja."})
    assert response.status_code == 302
    public = client.get(f"/{portal_a.slug}/evaluasi/{package.code}/pemenangberkontrak")
    assert "Eskalasi baja." in public.content.decode()


def test_a_refusal_shows_on_the_page(portal_a):
    """Masa Sanggah not over: the page says why instead of the form; a forced POST gets
    the reason and saves nothing."""
    package, *_ = announced_tender(portal_a, sanggah_over=False)
    client = signed_in(package.ppk)
    page = client.get(_url(package, "sppbj/")).content.decode()
    assert "objection period (Masa Sanggah) has not ended" in page
    response = client.post(
        _url(package, "sppbj/terbitkan/"), {"number": "1/SPPBJ/2026", "letter_date": "2026-12-07"}
    )
    assert "Masa Sanggah" in response.content.decode()
    assert not AwardLetter.objects.exists()


def test_another_ppk_or_another_portals_package_is_a_404(portal_a, portal_b):
    package, *_ = announced_tender(portal_a)
    other_ppk = make_user(portal_a, role=Role.PPK)
    assert signed_in(other_ppk).get(_url(package, "sppbj/")).status_code == 404
    elsewhere = make_user(portal_b, role=Role.PPK)
    url = f"/{portal_b.slug}/staf/paket/{package.pk}/sppbj/"
    assert signed_in(elsewhere).get(url).status_code == 404
    assert signed_in(package.ppk).get(url).status_code in (302, 403, 404)


def test_the_letter_pdf_reaches_the_ppk_pokja_and_winner_only(portal_a):
    package, members, (winner_member, _winner), (loser_member, _loser) = announced_tender(portal_a)
    issue_letter(package)
    staff_pdf = _url(package, "sppbj/surat.pdf")
    vendor_pdf = f"/{portal_a.slug}/perusahaan/tender/{package.code}/sppbj/surat.pdf"
    for user in (package.ppk, members[0]):
        response = signed_in(user).get(staff_pdf)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert signed_in(winner_member.user).get(vendor_pdf).status_code == 200
    assert signed_in(loser_member.user).get(vendor_pdf).status_code == 404
    assert signed_in(make_vendor(portal_a).user).get(vendor_pdf).status_code == 404
    assert signed_in(make_user(portal_a, role=Role.PPK)).get(staff_pdf).status_code == 404
    assert Client().get(staff_pdf).status_code == 302
    assert Client().get(vendor_pdf).status_code == 302


def test_the_winner_sees_the_letter_and_contract_in_my_tenders(portal_a):
    package, _members, (winner_member, _winner), _loser = announced_tender(portal_a)
    issue_letter(package)
    contract_record(package=package, user=package.ppk, data=contract_input())
    client = signed_in(winner_member.user)
    mine = client.get(f"/{portal_a.slug}/perusahaan/tender/").content.decode()
    assert "Award letter 001/SPPBJ/DPU/XII/2026 and contract" in mine
    page = client.get(f"/{portal_a.slug}/perusahaan/tender/{package.code}/sppbj/").content.decode()
    assert "KTR-01/DPU/2026" in page and "surat.pdf" in page


def test_the_public_pages_show_the_contract_without_login_never_the_pdf(portal_a, client):
    """Before the contract "Pemenang Berkontrak" has no winner; after, the SPSE reader
    finds the winner and the page the contract's number, value and duration."""
    package, *_ = announced_tender(portal_a)
    url = f"/{portal_a.slug}/evaluasi/{package.code}/pemenangberkontrak"
    assert readers.winners(client.get(url).content) is None
    issue_letter(package)
    assert readers.winners(client.get(url).content) is None
    contract_record(package=package, user=package.ppk, data=contract_input())
    response = client.get(url)
    found = readers.winners(response.content)
    assert found and found[0]["nama_pemenang"]
    page = response.content.decode()
    assert "KTR-01/DPU/2026" in page and "Rp 870.000.000,00" in page and "90 hari" in page
    assert "surat.pdf" not in page and "SPPBJ" not in page


def test_the_package_page_links_the_award_page_for_its_ppk_only(portal_a):
    package, members, *_ = announced_tender(portal_a)
    link = f"/{portal_a.slug}/staf/paket/{package.pk}/sppbj/"
    assert link in signed_in(package.ppk).get(f"/{portal_a.slug}/staf/paket/{package.pk}/").text
    assert link not in signed_in(members[0]).get(f"/{portal_a.slug}/staf/paket/{package.pk}/").text
