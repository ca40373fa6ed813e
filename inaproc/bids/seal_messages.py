"""What a vendor or official reads when a sealed file, key or share is refused: one
message per `SealError` code, in the user's language."""

from django.utils.translation import gettext as _


def seal_error_message(code: str) -> str:
    messages = {
        "bad_magic": _(
            "This is not a sealed file: seal it first (in this page or with the sealing tool)."
        ),
        "bad_header": _("The sealed file's header is damaged: seal the file again."),
        "wrong_tender": _("This file is sealed for another tender."),
        "wrong_slot": _("This file is sealed for another part of the bid."),
        "wrong_key": _(
            "This file is sealed to another key than this tender's: download the tender key again."
        ),
        "truncated": _("The sealed file is incomplete (cut short): upload it again."),
        "record_failed": _("The sealed file is damaged."),
        "unwrap_failed": _("The sealed file does not open with this tender's key."),
        "meta_failed": _("The sealed file is damaged."),
        "size_mismatch": _("The sealed file is damaged."),
        "bad_letter": _("The bid letter is not readable."),
    }
    return messages.get(code, _("The sealed file is not valid."))
