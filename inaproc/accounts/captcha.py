"""The image CAPTCHA (django-simple-captcha) as the login and registration forms use it."""

import secrets

from captcha.fields import CaptchaField, CaptchaTextInput
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S, 2/Z).
CAPTCHA_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CAPTCHA_LENGTH = 5


def challenge() -> tuple[str, str]:
    """(text drawn in the image, expected answer); answers are compared case-insensitively."""
    text = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
    return text, text.lower()


class PortalCaptchaWidget(CaptchaTextInput):
    template_name = "accounts/widgets/captcha.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = reverse("captcha-refresh")
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
