"""What a typed letter or contract number may be: letters, digits and the separators
official numbers use (`027/SPPBJ/DPU/XII/2026`, `KTR.01-2026`), with at least one digit."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inaproc.award.models import NUMBER_MAX_LENGTH

_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./\-_ ]*$")


def clean_number(value: str) -> str:
    """The number with its spaces tidied; ValidationError when it is not one."""
    number = " ".join((value or "").split())
    if not number:
        raise ValidationError(_("Type the number."), code="required")
    if len(number) > NUMBER_MAX_LENGTH:
        raise ValidationError(
            _("At most %(count)d characters."), code="long", params={"count": NUMBER_MAX_LENGTH}
        )
    if not _NUMBER.match(number) or not any(char.isdigit() for char in number):
        raise ValidationError(
            _(
                "Use letters, digits, spaces and . / - _ only, with at least one digit, "
                "e.g. 027/SPPBJ/DPU/XII/2026."
            ),
            code="invalid",
        )
    return number
