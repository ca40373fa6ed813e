"""Identity numbers and contact data as vendors type them: normalised, or refused with a
message for the field — never any other exception."""

import pytest
from django.core.exceptions import ValidationError

from inaproc.accounts.usernames import username_normalize
from inaproc.core.identity import (
    nib_normalize,
    nik_normalize,
    npwp_normalize,
    phone_normalize,
    postal_code_normalize,
)

# Messages are checked in English, the source language.
pytestmark = pytest.mark.usefixtures("english")

NPWP_FORMAT = "Enter the NPWP as 15 digits (e.g. 01.234.567.4-101.000) or 16 digits."
NPWP_INVALID = "This NPWP is not valid: check the digits."
NIK_FORMAT = "Enter the NIK as the 16 digits on the ID card (KTP)."
NIK_INVALID = "This NIK is not valid: check the region and date of birth digits."
NIB_FORMAT = "Enter the NIB as 13 digits."
PHONE_INVALID = "Enter a valid phone number, e.g. 0812-3456-7890 or (021) 1234-5678."
POSTAL_CODE_FORMAT = "Enter the postal code as 5 digits."

# Input that must be refused by every validator, with a ValidationError only.
HOSTILE_INPUT = ["", "   ", "\x00", "0123456741010\x0000", "1" * 10_000, "٠١٢٣٤٥٦٧٤١٠١٠٠٠"]


def refusal(validator, value) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0], caught.value.code


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("01.234.567.4-101.000", "0012345674101000"),
        ("012345674101000", "0012345674101000"),
        (" 01 234 567 4 101 000 ", "0012345674101000"),
        ("0012345674101000", "0012345674101000"),
        ("0.01.234.567.4-101.000", "0012345674101000"),
        ("01.312.166.0-091.000", "0013121660091000"),
        ("3171011708450001", "3171011708450001"),  # an individual's NIK
        ("3171-0157-0845-0001", "3171015708450001"),
    ],
)
def test_npwp_valid_forms_normalise_to_16_digits(typed, normalised):
    assert npwp_normalize(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    ["01.234.567.4-101.000", "012345674101000", "0012345674101000", "3171011708450001"],
)
def test_npwp_normalised_equals_the_username_form(typed):
    assert npwp_normalize(typed) == username_normalize(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "01.234.567.8-901.000",  # 8 is not the check digit of 01234567
        "012345675101000",
        "0012345675101000",
        "9971011708450001",  # a NIK with an unknown region
        "3171013002001234",  # a NIK born on 30 February
    ],
)
def test_npwp_with_wrong_digits_is_refused_as_not_valid(typed):
    assert refusal(npwp_normalize, typed) == (NPWP_INVALID, "invalid")


@pytest.mark.parametrize(
    "typed",
    [
        "01234567410100",  # 14 digits
        "00123456741010001",  # 17 digits
        "01.234.567.4-101.00A",
        "NPWP 012345674101000",
        "01/234/567/4/101/000",
        *HOSTILE_INPUT,
    ],
)
def test_npwp_in_the_wrong_form_is_refused_with_the_format_message(typed):
    assert refusal(npwp_normalize, typed) == (NPWP_FORMAT, "format")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("3171011708450001", "3171011708450001"),
        ("3171015708450001", "3171015708450001"),  # a woman: 40 added to the day
        ("3171 0117 0845 0001", "3171011708450001"),
        ("3171.01.170845.0001", "3171011708450001"),
    ],
)
def test_nik_valid_forms_normalise_to_digits(typed, normalised):
    assert nik_normalize(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "9971011708450001",  # unknown region
        "3171013002001234",  # 30 February
        "3171018008450001",  # day 80: 40 + 40
        "3171011713450001",  # month 13
    ],
)
def test_nik_with_impossible_digits_is_refused_as_not_valid(typed):
    assert refusal(nik_normalize, typed) == (NIK_INVALID, "invalid")


@pytest.mark.parametrize(
    "typed", ["317101170845000", "31710117084500012", "317101170845000A", *HOSTILE_INPUT]
)
def test_nik_in_the_wrong_form_is_refused(typed):
    assert refusal(nik_normalize, typed) == (NIK_FORMAT, "format")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("1234567890123", "1234567890123"),
        (" 12345 67890 123 ", "1234567890123"),
        ("1234-5678-90123", "1234567890123"),
        ("1234.5678.90123", "1234567890123"),
    ],
)
def test_nib_valid_forms_normalise_to_13_digits(typed, normalised):
    assert nib_normalize(typed) == normalised


@pytest.mark.parametrize(
    "typed", ["123456789012", "12345678901234", "123456789012A", "NIB1234567890", *HOSTILE_INPUT]
)
def test_nib_in_the_wrong_form_is_refused(typed):
    assert refusal(nib_normalize, typed) == (NIB_FORMAT, "format")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("(021) 1234567", "+62211234567"),
        ("021-1234-5678", "+622112345678"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_phone_valid_forms_normalise_to_e164(typed, normalised):
    assert phone_normalize(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "12",
        "0812",
        "+62 000 0000 0000",
        "0812-FLOWERS",
        "0812 3456 7890 ext 12",
        "+",
        "()",
        *HOSTILE_INPUT,
    ],
)
def test_invalid_phone_is_refused(typed):
    assert refusal(phone_normalize, typed) == (PHONE_INVALID, "invalid")


@pytest.mark.parametrize(("typed", "normalised"), [("10110", "10110"), (" 60119 ", "60119")])
def test_postal_code_valid_forms(typed, normalised):
    assert postal_code_normalize(typed) == normalised


@pytest.mark.parametrize("typed", ["1011", "101100", "1011A", "10 110", "10-110", *HOSTILE_INPUT])
def test_postal_code_in_the_wrong_form_is_refused(typed):
    assert refusal(postal_code_normalize, typed) == (POSTAL_CODE_FORMAT, "format")


@pytest.mark.parametrize(
    "validator",
    [npwp_normalize, nik_normalize, nib_normalize, phone_normalize, postal_code_normalize],
)
def test_non_text_input_is_refused_with_a_validation_error(validator):
    with pytest.raises(ValidationError):
        validator(None)
