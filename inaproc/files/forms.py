"""Form pieces for uploaded files: a file field whose uploads are checked by content,
and the ids ticked in a list of "remove" boxes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inaproc.files.checks import document_check
from inaproc.files.services import CheckedUpload

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedFilesField(forms.FileField):
    """Upload(s) of one kind of file, each checked by content (`document_check`): one
    file, or several when `multiple`. Cleans to a list of CheckedUpload."""

    def __init__(self, *, kind: str, multiple: bool, **kwargs) -> None:
        self.kind = kind
        self.multiple = multiple
        # `multiple` explicit: the widget class would otherwise add it to every field.
        attrs = {"accept": ACCEPT, "multiple": multiple}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > 1 and not self.multiple:
            raise ValidationError(_("Upload only one file of this type."), code="too_many")
        checked: list[CheckedUpload] = []
        errors: list[ValidationError] = []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                checked.append(CheckedUpload(self.kind, upload, document_check(upload)))
            except ValidationError as error:
                errors.append(
                    ValidationError(
                        _("%(file)s: %(problem)s"),
                        code=error.code,
                        params={"file": upload.name[-80:], "problem": " ".join(error.messages)},
                    )
                )
        if errors:
            raise ValidationError(errors)
        return checked


_MAX_ID_DIGITS = 18  # beyond any primary key, and within a 64-bit integer


def ticked_ids(data, name: str) -> set[int]:
    """The ids ticked in checkbox list `name` of the posted `data`; anything that is not
    a plain number is ignored."""
    return {
        int(value)
        for value in data.getlist(name)
        if value.isascii() and value.isdigit() and len(value) <= _MAX_ID_DIGITS
    }
