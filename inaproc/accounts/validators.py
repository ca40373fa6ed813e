import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

if TYPE_CHECKING:
    from inaproc.accounts.models import User

MAX_PASSWORD_LENGTH = 128
# A word of a name counts from this length: "di", "dan", "PT" or "CV" never do.
NAME_WORD_MIN_LENGTH = 4
# Words are runs of letters and digits; punctuation, spaces and "_" separate them.
_WORD = re.compile(r"[^\W_]+")
_NOT_DIGIT = re.compile(r"[^0-9]")

# The names a password must not take a word from, each with its message.
NAME_MESSAGES = {
    "portal": gettext_lazy("The password contains '%(word)s', a word of the portal's name."),
    "institution": gettext_lazy(
        "The password contains '%(word)s', a word of the institution's name."
    ),
    "company": gettext_lazy("The password contains '%(word)s', a word of the company's name."),
    "full_name": gettext_lazy("The password contains '%(word)s', a word of the full name."),
}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def name_word_in(password: str, name: str) -> str | None:
    """The first word of `name` (of NAME_WORD_MIN_LENGTH characters or more) that
    `password` contains as a whole word, ignoring case and punctuation; else None.

    Whole words only: "sepeda tua di jalan kenangan" shares no word with
    "Kementerian Keuangan", however alike their letters are."""
    if not name:
        return None
    typed = set(_words(password))
    return next(
        (w for w in _words(name) if len(w) >= NAME_WORD_MIN_LENGTH and w in typed),
        None,
    )


def name_words_check(password: str, names: Iterable[tuple[str, str]]) -> None:
    """Refuse a password that contains a word of one of `names`, pairs of a kind of
    NAME_MESSAGES and the name; the message names the word."""
    for kind, name in names:
        word = name_word_in(password, name)
        if word is not None:
            raise ValidationError(
                NAME_MESSAGES[kind], code="password_contains_name_word", params={"word": word}
            )


def npwp_in(password: str, npwp: str) -> bool:
    """Whether the password holds the NPWP's digits (16, or the legacy 15 of a 16-digit
    NPWP that starts with 0), whatever dots, dashes or spaces are typed between them."""
    if not (npwp.isascii() and npwp.isdigit() and len(npwp) in (15, 16)):
        return False
    digits = _NOT_DIGIT.sub("", password)
    forms = {npwp, npwp[1:]} if len(npwp) == 16 and npwp.startswith("0") else {npwp}
    return any(form in digits for form in forms)


def npwp_check(password: str, npwp: str) -> None:
    if npwp_in(password, npwp):
        raise ValidationError(
            _("The password contains the company's NPWP."), code="password_contains_npwp"
        )


class FullNameWordsValidator:
    """No word of the account's full name in the password (see `name_word_in`)."""

    def validate(self, password: str, user: object = None) -> None:
        name = getattr(user, "full_name", "")
        if isinstance(name, str):
            name_words_check(password, [("full_name", name)])

    def get_help_text(self) -> str:
        return _("Your password can't contain a word of your full name.")


class UsernameInPasswordValidator:
    """No username in the password: the whole username (of NAME_WORD_MIN_LENGTH
    characters or more), or the digits of a username that is an NPWP, however
    separated. Django's UserAttributeSimilarityValidator catches the similar ones; this
    catches a username inside a long passphrase too."""

    def validate(self, password: str, user: "User | None" = None) -> None:
        username = getattr(user, "username", "")
        if not isinstance(username, str) or not username:
            return
        contained = len(username) >= NAME_WORD_MIN_LENGTH and username.casefold() in (
            password.casefold()
        )
        if not (contained or npwp_in(password, username)):
            return
        try:  # Django's similarity check reports it already, with the same message
            UserAttributeSimilarityValidator(user_attributes=("username",)).validate(password, user)
        except ValidationError:
            return
        raise ValidationError(
            UserAttributeSimilarityValidator().get_error_message(),
            code="password_too_similar",
            params={"verbose_name": get_user_model()._meta.get_field("username").verbose_name},
        )

    def get_help_text(self) -> str:
        return _("Your password can't contain your username.")


class MaximumLengthValidator:
    """Passwords up to 128 characters (DESIGN.md §5): long passphrases welcome,
    unbounded input to the hasher not."""

    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password can be up to %(max_length)d characters long.") % {
            "max_length": self.max_length
        }
