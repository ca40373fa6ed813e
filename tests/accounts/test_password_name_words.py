"""Passwords and names: a password is refused for a whole word (4 characters or more) of
the portal's name, its institution, the company's name or the full name, and the message
names the word; the username, NPWP and email address stay as strict as before."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.users import password_validate
from inaproc.accounts.validators import name_word_in, npwp_in
from tests.factories import make_portal, make_user
from tests.vendors.member_builders import add_member, approved_company

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NPWP = "0012345674101000"
NPWP_TYPED = "01.234.567.4-101.000"


@pytest.fixture
def kemenkeu():
    return make_portal(
        "kemenkeu", name="LPSE Kementerian Keuangan", institution="Kementerian Keuangan RI"
    )


def candidate(portal, **fields) -> User:
    values = {
        "username": "budi.rekanan",
        "email": "budi@example.id",
        "full_name": "Budi Santoso",
        **fields,
    }
    return User(portal=portal, role=Role.VENDOR, **values)


def refusal(password: str, user: User, **company) -> list[str]:
    with pytest.raises(ValidationError) as error:
        password_validate(password=password, user=user, **company)
    return error.value.messages


def test_the_reported_passphrase_passes_on_the_ministry_of_finance_portal(kemenkeu):
    """It shares letters with "Kementerian Keuangan", but not one word."""
    user = candidate(kemenkeu)

    password_validate(password="sepeda tua di jalan kenangan", user=user)
    created = make_user(kemenkeu, username="budi.rekanan", password="sepeda tua di jalan kenangan")

    assert created.check_password("sepeda tua di jalan kenangan")


def test_a_word_of_the_portals_name_is_refused_and_named(kemenkeu):
    messages = refusal("keuangan negara sangat penting sekali", candidate(kemenkeu))

    assert messages == ["The password contains 'keuangan', a word of the portal's name."]


def test_the_message_in_indonesian(kemenkeu):
    with translation.override("id"):
        messages = refusal("keuangan negara sangat penting sekali", candidate(kemenkeu))

    assert messages == ["Kata sandi memuat kata 'keuangan' dari nama portal."]


@pytest.mark.parametrize(
    "password",
    [
        "KEUANGAN negara sangat penting",
        "uang-rakyat:Keuangan!! penting",
        "dana_keuangan_negara_2026",
    ],
)
def test_case_and_punctuation_do_not_hide_the_word(kemenkeu, password):
    assert refusal(password, candidate(kemenkeu)) == [
        "The password contains 'keuangan', a word of the portal's name."
    ]


@pytest.mark.parametrize(
    "password", ["keuangannegara sangat penting", "perkeuangan negara kita", "uang negara kenangan"]
)
def test_a_word_inside_a_longer_word_does_not_count(kemenkeu, password):
    password_validate(password=password, user=candidate(kemenkeu))


def test_words_shorter_than_four_characters_never_count():
    portal = make_portal("pendek", name="LPSE PT Abc", institution="Dinas Ri Tua")
    user = candidate(portal, full_name="Ani Lo")

    password_validate(password="pt abc ri tua ani lo ke pasar naik sepeda", user=user)
    password_validate(
        password="cv abc di atas pohon yang rindang", user=user, company_name="CV Abc Di"
    )

    assert name_word_in("abc ani", "Abc Ani") is None
    assert name_word_in("dinas kita", "Dinas Ri Tua") == "dinas"


def test_a_word_of_the_institution_is_refused_and_named():
    portal = make_portal("sleman", name="LPSE Sleman", institution="Pemerintah Kabupaten Sleman")
    user = candidate(portal)

    assert refusal("pemerintah yang bersih dan jujur", user) == [
        "The password contains 'pemerintah', a word of the institution's name."
    ]


def test_a_word_of_the_full_name_is_refused_and_named(kemenkeu):
    user = candidate(kemenkeu, full_name="Rahmawati Kusumadewi")

    assert refusal("kusumadewi suka bersepeda pagi", user) == [
        "The password contains 'kusumadewi', a word of the full name."
    ]


def test_a_platform_operators_full_name_counts_too():
    operator = User(portal=None, role=Role.OPERATOR, username="op1", full_name="Sutrisno Wibowo")

    assert refusal("sutrisno naik kereta ke bogor", operator) == [
        "The password contains 'sutrisno', a word of the full name."
    ]
    password_validate(password="lpse kementerian keuangan pusat", user=operator)


def test_a_word_of_the_company_being_registered_is_refused(kemenkeu):
    user = candidate(kemenkeu)

    messages = refusal(
        "sinar pagi menyinari sawah kami", user, company_name="CV Sinar Terang", npwp=NPWP
    )

    assert messages == ["The password contains 'sinar', a word of the company's name."]


def test_a_company_members_password_is_checked_against_their_company(portal_a):
    company, admin = approved_company(portal_a)
    member = add_member(company, admin)
    word = company.name.split()[1].lower()  # "PT Maju Jaya n": "maju"

    assert refusal(f"{word} terus pantang mundur", member.user) == [
        f"The password contains '{word}', a word of the company's name."
    ]
    with translation.override("id"):
        assert refusal(f"{word} terus pantang mundur", member.user) == [
            f"Kata sandi memuat kata '{word}' dari nama perusahaan."
        ]


def test_a_company_members_password_may_not_hold_the_companys_npwp(portal_a):
    company, admin = approved_company(portal_a)
    member = add_member(company, admin)
    legacy = company.npwp[1:]
    typed = f"{legacy[:2]}.{legacy[2:5]}.{legacy[5:8]}.{legacy[8]}-{legacy[9:12]}.{legacy[12:]}"

    assert refusal(f"npwp kantor {typed} jangan lupa", member.user) == [
        "The password contains the company's NPWP."
    ]
    with translation.override("id"):
        assert refusal(f"kode {company.npwp} jangan lupa ya", member.user) == [
            "Kata sandi memuat NPWP perusahaan."
        ]


# --- The username, NPWP and email address: as strict as before ---------------------


def test_a_password_like_the_username_is_still_refused(kemenkeu):
    user = candidate(kemenkeu, username="mawar-melati-semuanya")

    assert refusal("mawar-melati-semuanya", user) == [
        "The password is too similar to the username."
    ]


def test_a_username_inside_a_long_passphrase_is_refused_once(kemenkeu):
    user = candidate(kemenkeu, username="budi.rekanan", full_name="Siti Rahma")

    assert refusal("saya budi.rekanan yang suka bersepeda ke pasar tiap pagi", user) == [
        "The password is too similar to the username."
    ]


@pytest.mark.parametrize("typed", [NPWP, NPWP_TYPED, NPWP_TYPED.replace(".", " ")])
def test_a_password_holding_the_npwp_username_is_refused(kemenkeu, typed):
    user = candidate(kemenkeu, username=NPWP)

    assert refusal(f"nomor pajak kami {typed} ya", user) == [
        "The password is too similar to the username."
    ]


def test_a_password_like_the_email_address_is_still_refused(kemenkeu):
    user = candidate(kemenkeu, email="sepedatua@example.id")

    assert refusal("sepedatua@example.id-123", user) == [
        "The password is too similar to the email address."
    ]


def test_npwp_in_reads_only_valid_shapes():
    assert npwp_in("a 0012345674101000 b", NPWP)
    assert npwp_in("a 012345674101000 b", NPWP)  # the legacy 15 digits
    assert not npwp_in("a 12345674101000 b", NPWP)
    assert not npwp_in("anything 1234", "")
    assert not npwp_in("budi", "budi")
