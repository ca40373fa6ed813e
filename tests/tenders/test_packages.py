"""Packages: the rules of their fields, creation by the PPK with its public code, editing
(by the PPK while a draft, by the runner once assigned, by nobody once published),
assignment to a Pokja or a Pejabat Pengadaan, return to the PPK; who reaches what."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import (
    Package,
    PackageLocation,
    PackageState,
    PublicationApproval,
)
from inaproc.tenders.rules import package_public_code, package_rule_errors
from inaproc.tenders.services.packages import (
    package_assign,
    package_create,
    package_return_to_ppk,
    package_update,
)
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.factories import (
    make_official,
    make_package,
    make_pokja,
    package_fields,
)
from tests.tenders.participation_factories import make_pokja as make_full_pokja
from tests.vendors.builders import kbli_sample

pytestmark = pytest.mark.django_db

NEW = "/lpse-a/staf/paket/baru/"


def detail(package):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/"


def form_data(**changes) -> dict:
    values = {
        "name": "Pengadaan Laptop Dinas",
        "description": "20 unit laptop.",
        "rup_code": "1238867798",
        "rup_name": "Belanja Modal",
        "funding_source": "apbd",
        "budget_year": "2026",
        "institution": "Kementerian Alpha",
        "work_unit": "Biro Umum",
        "procurement_type": "barang",
        "selection_method": "tender",
        "qualification_method": "pasca",
        "document_method": "satu_file",
        "evaluation_method": "harga_terendah",
        "contract_type": "lumsum",
        "business_qualification": "kecil",
        "pagu": "1.500.000.000",
        "hps": "Rp 1.450.000.000,00",
        "kbli": "41011, 43211",
        "qualification_requirements": "Pengalaman 3 tahun.",
        "location_0_province": "jawa_barat",
        "location_0_city": "Kota Bandung",
        "location_1_province": "dki_jakarta",
        "location_1_city": "Jakarta Pusat",
        "location_2_province": "",
        "location_2_city": "",
    }
    return {**values, **changes}


@pytest.fixture
def ppk(portal_a):
    return make_official(portal_a, Role.PPK, username="ppk-a")


@pytest.fixture
def ppk_client(ppk):
    return signed_in(ppk, english=True)


# --- rules ---------------------------------------------------------------------------


def test_valid_combinations_have_no_errors():
    goods = package_fields()
    consultancy = package_fields(
        procurement_type="konsultansi_bu",
        selection_method="seleksi",
        qualification_method="pra",
        document_method="dua_file",
        evaluation_method="kualitas_biaya",
        contract_type="waktu_penugasan",
        business_qualification="non_kecil",
    )
    individual = package_fields(
        procurement_type="konsultansi_perorangan",
        selection_method="pengadaan_langsung",
        evaluation_method="biaya_terendah",
        business_qualification="perorangan",
    )
    assert package_rule_errors(goods) == {}
    assert package_rule_errors(consultancy) == {}
    assert package_rule_errors(individual) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"selection_method": "seleksi"}, "selection_method"),
        (
            {"procurement_type": "konsultansi_bu", "evaluation_method": "kualitas"},
            "selection_method",
        ),
        ({"evaluation_method": "kualitas_biaya"}, "evaluation_method"),
        ({"contract_type": "waktu_penugasan"}, "contract_type"),
        ({"business_qualification": "perorangan"}, "business_qualification"),
        (
            {"selection_method": "tender_cepat", "evaluation_method": "sistem_nilai"},
            "evaluation_method",
        ),
        (
            {
                "selection_method": "tender_cepat",
                "qualification_method": "pra",
                "document_method": "dua_file",
            },
            "qualification_method",
        ),
        ({"document_method": "dua_tahap"}, "document_method"),
        ({"hps": Decimal("1500000001")}, "hps"),
    ],
)
def test_invalid_combinations_are_reported_next_to_the_field(changes, field):
    errors = package_rule_errors(package_fields(**changes))
    assert field in errors and errors[field][0]


def test_the_public_code_ends_in_the_portals_three_digit_number():
    assert package_public_code(package_pk=5, portal_pk=3) == 10_005_003
    assert package_public_code(package_pk=5, portal_pk=1003) == 10_005_003 + 0
    assert package_public_code(package_pk=6, portal_pk=3) != package_public_code(
        package_pk=5, portal_pk=3
    )


# --- creation ------------------------------------------------------------------------


def test_the_ppk_creates_a_package_with_every_field(portal_a, ppk, ppk_client):
    kbli_sample()

    response = ppk_client.post(NEW, form_data())

    package = Package.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(package)
    assert package.state == PackageState.DRAFT
    assert package.ppk == ppk
    assert package.pagu == Decimal("1500000000")
    assert package.hps == Decimal("1450000000")
    assert package.code == package_public_code(package_pk=package.pk, portal_pk=portal_a.pk)
    assert package.schedule_template == "pasca_satu_file"
    assert sorted(package.kbli.values_list("code", flat=True)) == ["41011", "43211"]
    assert list(package.locations.values_list("province", "city")) == [
        ("jawa_barat", "Kota Bandung"),
        ("dki_jakarta", "Jakarta Pusat"),
    ]
    assert package.provinces == ["dki_jakarta", "jawa_barat"]
    event = AuditEvent.objects.get(verb="package.created")
    assert event.actor == ppk and event.payload == {"code": package.code}
    page = ppk_client.get(detail(package)).content.decode()
    for text in ("Rp 1.450.000.000,00", "Kota Bandung", "41011", "Biro Umum", "Pascakualifikasi"):
        assert text in page


def test_the_new_package_form_defaults_to_the_portals_institution(ppk_client):
    page = ppk_client.get(NEW).content.decode()
    assert 'value="Kementerian Alpha"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pagu", "satu juta", "Type a whole rupiah amount in digits"),
        ("pagu", "-1.000.000", "cannot be negative"),
        ("pagu", "1234567890123456", "At most 15 digits"),
        ("hps", "0", "more than zero"),
        ("hps", "1.600.000.000", "may not be above the pagu"),
        ("selection_method", "seleksi", "Seleksi is for consultancy only"),
        ("contract_type", "waktu_penugasan", "Waktu Penugasan"),
        ("kbli", "99999", "is not a 5-digit KBLI 2020 code"),
        ("rup_code", "RUP-12", "The RUP code is a number"),
        ("location_0_city", "", "This field is required"),
    ],
)
def test_bad_input_is_refused_with_a_message_by_the_field_and_nothing_saved(
    ppk_client, field, value, message
):
    kbli_sample()

    response = ppk_client.post(NEW, form_data(**{field: value}))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not Package.objects.exists()
    assert not PackageLocation.objects.exists()
    assert not AuditEvent.objects.filter(verb="package.created").exists()


def test_a_half_given_location_is_refused(ppk_client):
    response = ppk_client.post(NEW, form_data(location_2_province="bali", kbli=""))
    assert (
        "Give both the province and the city." in response.context["form"].errors["location_2_city"]
    )
    assert not Package.objects.exists()


def test_only_a_ppk_creates_packages(portal_a, portal_b):
    pokja_member = signed_in(make_official(portal_a, Role.POKJA))
    vendor = signed_in(make_user(portal_a))
    other_ppk = signed_in(make_official(portal_b, Role.PPK))

    assert pokja_member.post(NEW, form_data(kbli="")).status_code == 403
    assert vendor.post(NEW, form_data(kbli="")).status_code == 403
    assert Client().get(NEW).status_code == 302
    assert other_ppk.get(NEW).status_code == 302  # not signed in on this portal
    assert not Package.objects.exists()


def test_changed_locations_change_the_denormalised_provinces(portal_a, ppk):
    """`Package.provinces` (which the national search filters on) follows every change
    of the work locations, and only the locations' provinces, once each, sorted."""
    package = make_package(portal_a, ppk=ppk, location=("bali", "Denpasar"))
    assert package.provinces == ["bali"]
    values = {**package_fields(institution="X"), "kbli": []}

    package_update(
        package=package,
        by=ppk,
        values={
            **values,
            "locations": [
                ("jawa_timur", "Surabaya"),
                ("dki_jakarta", "Jakarta Pusat"),
                ("jawa_timur", "Malang"),
            ],
        },
    )
    package.refresh_from_db()
    assert package.provinces == ["dki_jakarta", "jawa_timur"]

    package_update(package=package, by=ppk, values={**values, "locations": []})
    package.refresh_from_db()
    assert package.provinces == []
    assert not package.locations.exists()


def test_the_service_refuses_a_non_ppk(portal_a):
    pokja_member = make_official(portal_a, Role.POKJA)
    values = {**package_fields(institution="X"), "kbli": [], "locations": []}
    with pytest.raises(ValidationError):
        package_create(portal=portal_a, ppk=pokja_member, values=values)
    assert not Package.objects.exists()


# --- editing -------------------------------------------------------------------------


def test_the_ppk_edits_a_draft_and_the_changed_fields_are_audited(portal_a, ppk, ppk_client):
    package = make_package(portal_a, ppk=ppk)

    response = ppk_client.post(
        f"{detail(package)}ubah/", form_data(kbli="", name="Laptop Baru", hps="1.000.000")
    )

    assert response.status_code == 302
    package.refresh_from_db()
    assert package.name == "Laptop Baru"
    assert package.hps == Decimal("1000000")
    event = AuditEvent.objects.get(verb="package.updated")
    assert {"name", "hps", "locations"} <= set(event.payload["fields"])


@pytest.mark.parametrize("state", [PackageState.ASSIGNED, PackageState.PUBLISHED])
def test_the_ppk_cannot_edit_an_assigned_or_published_package(portal_a, ppk, ppk_client, state):
    package = make_package(portal_a, ppk=ppk, state=state, name="Tetap")

    page = ppk_client.get(f"{detail(package)}ubah/")
    posted = ppk_client.post(f"{detail(package)}ubah/", form_data(kbli="", name="Diubah"))

    assert page.status_code == 403
    assert posted.status_code == 403
    assert "nobody changes" in posted.content.decode() or "only they change" in (
        posted.content.decode()
    )
    package.refresh_from_db()
    assert package.name == "Tetap"
    assert not AuditEvent.objects.filter(verb="package.updated").exists()
    with pytest.raises(ValidationError):
        package_update(
            package=package,
            by=ppk,
            values={**package_fields(institution="X"), "kbli": [], "locations": []},
        )


def test_the_pokja_edits_an_assigned_package_and_approvals_are_withdrawn(portal_a, ppk):
    pokja = make_pokja(portal_a)
    member = pokja.members.first().user
    package = make_package(portal_a, ppk=ppk, state=PackageState.ASSIGNED, pokja=pokja)
    PublicationApproval.objects.create(package=package, user=member)
    client = signed_in(member, english=True)

    response = client.post(f"{detail(package)}ubah/", form_data(kbli="", name="Dilengkapi"))

    assert response.status_code == 302
    package.refresh_from_db()
    assert package.name == "Dilengkapi"
    assert not PublicationApproval.objects.exists()


def test_another_portals_package_or_a_stranger_gets_404(portal_a, portal_b, ppk):
    package = make_package(portal_a, ppk=ppk, state=PackageState.ASSIGNED)
    other_ppk = make_official(portal_a, Role.PPK)
    outsider_pokja = make_official(portal_a, Role.POKJA)
    b_official = make_official(portal_b, Role.PPK)
    b_package = make_package(portal_b, ppk=b_official)

    for user in (other_ppk, outsider_pokja):
        client = signed_in(user)
        for suffix in ("", "ubah/", "tugaskan/", "kembalikan/", "dokumen/"):
            assert client.get(f"{detail(package)}{suffix}").status_code in (403, 404), suffix
        assert client.get(detail(package)).status_code == 404
    # A PPK of portal A asking for portal B's package id on portal A: missing.
    own = signed_in(ppk)
    assert own.get(f"/lpse-a/staf/paket/{b_package.pk}/").status_code == 404


# --- assignment and return -------------------------------------------------------------


def test_the_ppk_assigns_a_draft_to_a_pokja(portal_a, ppk, ppk_client):
    package = make_package(portal_a, ppk=ppk)
    pokja = make_pokja(portal_a, name="Pokja Satu")

    page = ppk_client.get(f"{detail(package)}tugaskan/")
    response = ppk_client.post(f"{detail(package)}tugaskan/", {"runner": f"pokja-{pokja.pk}"})

    assert "Pokja Satu" in page.content.decode()
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.state == PackageState.ASSIGNED
    assert package.pokja == pokja
    assert AuditEvent.objects.filter(verb="package.assigned").count() == 1
    # The Pokja now reaches it; the PPK still reads it but cannot change it.
    member = signed_in(pokja.members.first().user)
    assert member.get(detail(package)).status_code == 200
    assert ppk_client.get(f"{detail(package)}ubah/").status_code == 403


def test_assigning_to_a_pokja_the_ppk_sits_on_is_refused(portal_a):
    ppk = make_official(portal_a, Role.PPK, Role.POKJA)
    package = make_package(portal_a, ppk=ppk)
    pokja = make_pokja(portal_a, users=[ppk])
    client = signed_in(ppk, english=True)

    page = client.get(f"{detail(package)}tugaskan/").content.decode()
    response = client.post(f"{detail(package)}tugaskan/", {"runner": f"pokja-{pokja.pk}"})

    assert f"pokja-{pokja.pk}" not in page
    assert response.status_code == 200
    assert response.context["form"].errors["runner"]
    with pytest.raises(ValidationError, match="never sits on its Pokja"):
        package_assign(package=package, by=ppk, pokja=pokja)
    package.refresh_from_db()
    assert package.state == PackageState.DRAFT and package.pokja is None
    assert not AuditEvent.objects.filter(verb="package.assigned").exists()


def test_a_tender_needs_a_pokja_and_pengadaan_langsung_a_pejabat_pengadaan(portal_a, ppk, english):
    tender = make_package(portal_a, ppk=ppk)
    direct = make_package(portal_a, ppk=ppk, selection_method="pengadaan_langsung")
    pejabat = make_official(portal_a, Role.PEJABAT_PENGADAAN)
    pokja = make_pokja(portal_a)

    with pytest.raises(ValidationError, match="run by a Pokja"):
        package_assign(package=tender, by=ppk, pejabat_pengadaan=pejabat)
    with pytest.raises(ValidationError, match="Pejabat Pengadaan"):
        package_assign(package=direct, by=ppk, pokja=pokja)
    package_assign(package=direct, by=ppk, pejabat_pengadaan=pejabat)
    direct.refresh_from_db()
    assert direct.pejabat_pengadaan == pejabat and direct.state == PackageState.ASSIGNED


def test_a_pokja_of_another_portal_cannot_be_chosen(portal_a, portal_b, ppk):
    package = make_package(portal_a, ppk=ppk)
    foreign = make_pokja(portal_b)
    with pytest.raises(ValidationError):
        package_assign(package=package, by=ppk, pokja=foreign)
    response = signed_in(ppk).post(f"{detail(package)}tugaskan/", {"runner": f"pokja-{foreign.pk}"})
    assert response.status_code == 200
    package.refresh_from_db()
    assert package.state == PackageState.DRAFT


def test_the_runner_returns_the_package_to_the_ppk(portal_a, ppk, ppk_client):
    pokja = make_pokja(portal_a)
    member = pokja.members.first().user
    package = make_package(portal_a, ppk=ppk, state=PackageState.ASSIGNED, pokja=pokja)
    PublicationApproval.objects.create(package=package, user=member)

    response = signed_in(member).post(f"{detail(package)}kembalikan/", {"reason": "HPS salah"})

    assert response.status_code == 302
    package.refresh_from_db()
    assert package.state == PackageState.DRAFT
    assert package.pokja is None
    assert not PublicationApproval.objects.exists()
    assert AuditEvent.objects.get(verb="package.returned").reason == "HPS salah"
    # The PPK edits again; the Pokja member no longer reaches it.
    assert ppk_client.get(f"{detail(package)}ubah/").status_code == 200
    assert signed_in(member).get(detail(package)).status_code == 404


def test_the_ppk_cannot_return_and_a_draft_cannot_be_returned(portal_a, ppk):
    package = make_package(portal_a, ppk=ppk, state=PackageState.ASSIGNED)
    with pytest.raises(ValidationError):
        package_return_to_ppk(package=package, by=ppk, reason="x")
    package.refresh_from_db()
    assert package.state == PackageState.ASSIGNED


# --- odd input: never a 500 ------------------------------------------------------------


def test_odd_input_never_causes_a_server_error(portal_a, ppk, ppk_client):
    package = make_package(portal_a, ppk=ppk)
    make_pokja(portal_a)
    posts = [
        (NEW, form_data(budget_year="dua ribu", pagu="9" * 5000, kbli="\x00")),
        (NEW, form_data(procurement_type="roket", location_0_province="mars")),
        (NEW, {}),
        (f"{detail(package)}tugaskan/", {"runner": "pokja-99999999999999999999"}),
        (f"{detail(package)}tugaskan/", {"runner": "pp-abc"}),
        (f"{detail(package)}tugaskan/", {}),
        (f"{detail(package)}dokumen/", {"kind": "addendum", "upload": "bukan berkas"}),
    ]
    for path, data in posts:
        response = ppk_client.post(path, data)
        assert response.status_code == 200, path
    gets = ["/lpse-a/staf/paket/99999999/", f"{detail(package)}dokumen/99999999/"]
    for path in gets:
        assert ppk_client.get(path).status_code == 404, path
    package.refresh_from_db()
    assert package.state == PackageState.DRAFT
    assert Package.objects.count() == 1


def test_assigning_emails_the_pokja_and_returning_emails_the_ppk(portal_a):
    """The Pokja's members learn of a package handed to them, the PPK of one given back
    (with the reason)."""
    pokja, members = make_full_pokja(portal_a)
    ppk = make_official(portal_a, Role.PPK)
    package = make_package(portal_a, ppk=ppk)
    package = package_assign(package=package, by=ppk, pokja=pokja)
    assigned = Email.objects.filter(template="tenders/email/assigned")
    assert sorted(assigned.values_list("to", flat=True)) == sorted(m.email for m in members)
    package_return_to_ppk(package=package, by=members[0], reason="HPS perlu dihitung ulang")
    (returned,) = Email.objects.filter(template="tenders/email/returned")
    assert returned.to == ppk.email and "HPS perlu dihitung ulang" in returned.body
