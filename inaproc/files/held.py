"""Files kept across a failed submit of a form with file fields: the form carries a
random key; files that passed their checks are held under it, listed again with a
"remove" box, and used when the form finally succeeds."""

import re
import secrets
from typing import Protocol

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inaproc.core.http import client_ip
from inaproc.files.forms import CheckedFilesField, ticked_ids
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

    def upload_field(self, kind: str) -> str: ...

    def add_error(self, field: str | None, error) -> None: ...


def hold_refused_message() -> str:
    return _(
        "This file was not kept: files from your network already fill what the portal "
        "keeps for unfinished forms (%(files)d files or %(megabytes)d MB for a day). "
        "Choose it again when you send the finished form."
    ) % {
        "files": settings.HELD_UPLOADS_PER_ADDRESS,
        "megabytes": settings.HELD_UPLOAD_MEGABYTES_PER_ADDRESS,
    }


def hold_uploads(
    request: PortalRequest, key: str, documents: FormWithUploads, items: list[CheckedUpload]
) -> dict[str, list[str]]:
    """Hold `items` under the form's key within the address's limit. Returns, by field,
    the message for the files the limit refused."""
    result = held_uploads_add(
        portal=request.portal, key=key, items=items, ip_address=client_ip(request)
    )
    fields = dict.fromkeys(documents.upload_field(item.kind) for item in result.refused)
    return {field: [hold_refused_message()] for field in fields}


def hold_valid_uploads(request: PortalRequest, key: str, documents: FormWithUploads) -> None:
    """The form failed: keep its uploads that passed their checks for the next submit
    (whatever the CAPTCHA said); a file the address's limit refuses is said so by its field."""
    refused = hold_uploads(request, key, documents, documents.valid_uploads())
    for field, messages in refused.items():
        documents.add_error(field, messages)


def posted_uploads(form: forms.BaseForm) -> tuple[list[CheckedUpload], dict[str, list[str]]]:
    """The files of a bound form checked without validating the rest of it (the form
    is shown again, not submitted: "show another image", "email me a code"): the uploads
    that passed, and the problems of the others by field."""
    uploads: list[CheckedUpload] = []
    problems: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        if not isinstance(field, CheckedFilesField):
            continue
        value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        try:
            uploads += field.clean(value)
        except ValidationError as error:
            problems[name] = error.messages
    return uploads, problems


def errors_shown(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    """Put `errors` next to their fields of a form shown again unbound (its other fields
    stay without errors)."""
    if not errors:
        return
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)


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
