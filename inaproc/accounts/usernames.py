import re

_NPWP_TYPED = re.compile(r"[\d.\-\s]+")


def username_normalize(raw: str) -> str:
    """The username as stored, from what a person typed.

    Vendors usually log in with their NPWP and type it in many ways:
    `01.234.567.8-901.000`, `012345678901000` or the 16-digit `0012345678901000`.
    An NPWP-looking entry is reduced to digits, and the legacy 15-digit form gains the
    leading `0` that makes it the 16-digit form the platform stores.
    """
    value = raw.strip()
    if _NPWP_TYPED.fullmatch(value) and any(ch.isdigit() for ch in value):
        digits = re.sub(r"\D", "", value)
        if len(digits) == 15:
            return "0" + digits
        return digits
    return value


def username_key(raw: str) -> str:
    """The key failures are counted under: the username as looked up (normalised,
    case-folded), whether or not such an account exists."""
    return username_normalize(raw).lower()[:150]
