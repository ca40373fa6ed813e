"""The image CAPTCHA (django-simple-captcha) as the login and registration forms use it."""

import secrets
from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S, 2/Z).
CAPTCHA_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CAPTCHA_LENGTH = 5
# The name of the "show another image" submit button: without JavaScript it posts the form
# to show it again with a new image (see `captcha_refresh_requested`).
CAPTCHA_REFRESH = "captcha_refresh"


def challenge() -> tuple[str, str]:
    """(text drawn in the image, expected answer); answers are compared case-insensitively."""
    text = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
    return text, text.lower()


class PortalCaptchaWidget(CaptchaTextInput):
    template_name = "accounts/widgets/captcha.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = reverse("captcha-refresh")
        context["refresh_name"] = CAPTCHA_REFRESH
        return context


class PortalCaptchaField(CaptchaField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Characters in the image"))
        kwargs.setdefault(
            "help_text",
            _("Type the letters and digits you see; upper or lower case does not matter."),
        )
        kwargs.setdefault("widget", PortalCaptchaWidget())
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _(
                    "The characters do not match the image. A new image is shown: try again."
                ),
                "required": _("Type the characters shown in the image."),
                "incomplete": _("Type the characters shown in the image."),
            },
        )
        super().__init__(**kwargs)


def captcha_refresh_requested(request: HttpRequest) -> bool:
    """The "show another image" button posted the form (without JavaScript): not a submit.
    The view shows the form again, unvalidated, with `posted_values` and a new image."""
    return request.method == "POST" and CAPTCHA_REFRESH in request.POST


def posted_values(form: forms.BaseForm) -> dict[str, Any]:
    """What was typed into a bound form, as the `initial` of an unbound one that shows it
    again without checking it (so without errors). Left out: files (a browser cannot be
    given them back; forms that hold files show those held), passwords (never sent back
    to the browser) and the CAPTCHA (a new image comes with a new key)."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField | CaptchaField)
        and not isinstance(field.widget, forms.PasswordInput)
    }
