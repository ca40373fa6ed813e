"""Indonesian identity numbers and contact data, as a vendor types them.

Each function takes what was typed, raises ValidationError with a message to show next to
the field, and otherwise returns the value in the one form the platform stores.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

# Far above any real spelling; refusing early keeps absurd input away from the parsers.
MAX_INPUT_LENGTH = 64

# Separators people type inside numbers: dots, hyphens and spaces.
_SEPARATORS = re.compile(r"[\s.\-]")
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
# Phone numbers: digits and the usual punctuation only, so that letters are never read as
# vanity numbers (`0800-FLOWERS`) by phonenumbers.
_PHONE_CHARACTERS = re.compile(r"[0-9+()./\s\-]+", re.ASCII)

NPWP_FORMAT_MESSAGE = _("Enter the NPWP as 15 digits (e.g. 01.234.567.4-101.000) or 16 digits.")
NPWP_INVALID_MESSAGE = _("This NPWP is not valid: check the digits.")
NIK_FORMAT_MESSAGE = _("Enter the NIK as the 16 digits on the ID card (KTP).")
NIK_INVALID_MESSAGE = _("This NIK is not valid: check the region and date of birth digits.")
NIB_FORMAT_MESSAGE = _("Enter the NIB as 13 digits.")
PHONE_INVALID_MESSAGE = _("Enter a valid phone number, e.g. 0812-3456-7890 or (021) 1234-5678.")
POSTAL_CODE_FORMAT_MESSAGE = _("Enter the postal code as 5 digits.")


def _digits(value: str) -> str | None:
    """`value` without separators if only ASCII digits remain, else None."""
    if not isinstance(value, str) or len(value) > MAX_INPUT_LENGTH:
        return None
    compact = _SEPARATORS.sub("", value)
    return compact if _ASCII_DIGITS.fullmatch(compact) else None


def npwp_normalize(value: str) -> str:
    """The 16-digit NPWP: the legacy 15 digits gain a leading `0`; 16 digits are either
    `0` + a legacy NPWP (entities) or a NIK (individuals). Equals `username_normalize`
    of the same input, since the username defaults to the NPWP."""
    digits = _digits(value)
    if digits is None or len(digits) not in (15, 16):
        raise ValidationError(NPWP_FORMAT_MESSAGE, code="format")
    if len(digits) == 15:
        digits = "0" + digits
    if not stdnum_npwp.is_valid(digits):
        raise ValidationError(NPWP_INVALID_MESSAGE, code="invalid")
    return digits


def nik_normalize(value: str) -> str:
    """The 16-digit NIK, checked by python-stdnum: a known region (the first 4 digits) and a
    real date of birth (DDMMYY, with 40 added to the day for women)."""
    digits = _digits(value)
    if digits is None or len(digits) != 16:
        raise ValidationError(NIK_FORMAT_MESSAGE, code="format")
    if not stdnum_nik.is_valid(digits):
        raise ValidationError(NIK_INVALID_MESSAGE, code="invalid")
    return digits


def nib_normalize(value: str) -> str:
    """The 13-digit NIB. OSS publishes no check digit, so only the form is checked."""
    digits = _digits(value)
    if digits is None or len(digits) != 13:
        raise ValidationError(NIB_FORMAT_MESSAGE, code="format")
    return digits


def phone_normalize(value: str) -> str:
    """The phone number in E.164 (`+6281234567890`); numbers without a country code are
    read as Indonesian (`0812-…`, `(021) …`)."""
    if (
        not isinstance(value, str)
        or len(value) > MAX_INPUT_LENGTH
        or not _PHONE_CHARACTERS.fullmatch(value)
    ):
        raise ValidationError(PHONE_INVALID_MESSAGE, code="invalid")
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_INVALID_MESSAGE, code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_INVALID_MESSAGE, code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postal_code_normalize(value: str) -> str:
    """The 5-digit postal code (kode pos)."""
    code = value.strip() if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9]{5}", code, re.ASCII):
        raise ValidationError(POSTAL_CODE_FORMAT_MESSAGE, code="format")
    return code


def npwp_display(value: str) -> str:
    """An NPWP as people read it: a 16-digit NPWP made from a legacy one (a leading `0`)
    in the legacy form `01.234.567.4-101.000`, any other 16 digits (a NIK) in groups of
    four. Anything else is shown as it is."""
    if not (isinstance(value, str) and len(value) == 16 and value.isascii() and value.isdigit()):
        return value
    if value.startswith("0"):
        d = value[1:]
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}"
    return " ".join(value[i : i + 4] for i in range(0, 16, 4))
