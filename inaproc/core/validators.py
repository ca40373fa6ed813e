"""Validators shared by forms of several apps."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A name or title typed in one line: no line breaks, tabs or other control characters
# (a crafted request could otherwise put lines of its own into an email or a log).
single_line_validator = RegexValidator(
    r"^[^\x00-\x1f\x7f]*\Z",
    _("Use one line of text, without line breaks or control characters."),
    code="single_line",
)
