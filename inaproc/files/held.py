"""Files kept across a failed submit of a form with file fields: the form carries a
random key; files that passed their checks are held under it, listed again with a
"remove" box, and used when the form finally succeeds."""

import re
import secrets
from typing import Protocol

from django import forms

from inaproc.files.forms import ticked_ids
from inaproc.files.models import HeldUpload
from inaproc.files.selectors import held_uploads
from inaproc.files.services import CheckedUpload, held_uploads_add, held_uploads_remove
from inaproc.portals.http import PortalRequest

FORM_KEY_FIELD = "form_key"


REMOVE_HELD_FIELD = "remove_held"


_FORM_KEY = re.compile(r"[A-Za-z0-9_\-]{20,64}")


def form_key(request: PortalRequest) -> str:
    """The key of the form being submitted, or a new one for a new form."""
    key = request.POST.get(FORM_KEY_FIELD, "") if request.method == "POST" else ""
    return key if _FORM_KEY.fullmatch(key) else secrets.token_urlsafe(24)


def held_for_submit(request: PortalRequest, key: str) -> list[HeldUpload]:
    """The held files of this form, without those the user ticked to remove (which are
    deleted now)."""
    remove = ticked_ids(request.POST, REMOVE_HELD_FIELD)
    if remove:
        held_uploads_remove(portal=request.portal, key=key, ids=remove)
    return held_uploads(portal=request.portal, key=key)


class FormWithUploads(Protocol):
    def is_valid(self) -> bool: ...

    def valid_uploads(self) -> list[CheckedUpload]: ...


def hold_valid_uploads(request: PortalRequest, key: str, documents: FormWithUploads) -> None:
    """The form failed: keep its uploads that passed their checks for the next submit."""
    held_uploads_add(portal=request.portal, key=key, items=documents.valid_uploads())


def forms_valid_or_hold(
    request: PortalRequest, key: str, form: forms.Form, documents: FormWithUploads
) -> bool:
    """Validate a form and its file fields' form (both, so that every error shows in the
    same pass); when either fails, hold the uploads that passed their checks."""
    valid = form.is_valid()
    if documents.is_valid() and valid:
        return True
    hold_valid_uploads(request, key, documents)
    return False
