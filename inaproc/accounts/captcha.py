"""The image CAPTCHA (django-simple-captcha) as the login and registration forms use it."""

import os
import secrets
import threading
import time
from collections import deque
from datetime import timedelta
from typing import Any

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from inaproc.core.pagecache import page_hole

# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S, 2/Z).
CAPTCHA_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CAPTCHA_LENGTH = 5
# The name of the "show another image" submit button: without JavaScript it posts the form
# to show it again with a new image (see `captcha_refresh_requested`).
CAPTCHA_REFRESH = "captcha_refresh"
# A challenge in a cached form page (core/pagecache.py): cut out, a new one on each hit.
CAPTCHA_HOLE = "captcha"


def challenge() -> tuple[str, str]:
    """(text drawn in the image, expected answer); answers are compared case-insensitively."""
    text = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
    return text, text.lower()


def challenge_minutes(form_name: str) -> int:
    """How long a challenge of form `form_name` lasts: CAPTCHA_FORM_MINUTES names the
    long forms (registration: an hour); every other form has CAPTCHA_TIMEOUT (10).

    Why a longer life is safe: a challenge is single-use (django-simple-captcha deletes
    it at the first answer, right or wrong), so a longer life gives no more guesses; it
    only keeps an unanswered challenge row longer, and every expired row is removed at
    the next answer of any form. A bot that fetches images to solve them later gains
    nothing it could not get by loading the page again."""
    return settings.CAPTCHA_FORM_MINUTES.get(form_name, settings.CAPTCHA_TIMEOUT)


def challenge_lifetime_set(key: str, form_name: str) -> None:
    """Give a new challenge the lifetime of its form (made with CAPTCHA_TIMEOUT)."""
    minutes = challenge_minutes(form_name)
    if minutes != settings.CAPTCHA_TIMEOUT:
        expiration = timezone.now() + timedelta(minutes=minutes)
        CaptchaStore.objects.filter(hashkey=key).update(expiration=expiration)


# Challenges for the login pages from the cache, made in batches (one INSERT for
# CHALLENGE_BATCH rows) and handed out one by one: each to exactly one visitor, never
# twice (unlike django-simple-captcha's pool, which picks at random and can give one
# challenge to several visitors). A batch older than CHALLENGE_BATCH_SECONDS is dropped,
# so every challenge handed out has at least its lifetime minus that.
CHALLENGE_BATCH = 32
CHALLENGE_BATCH_SECONDS = 30


class _ChallengeBatch:
    def __init__(self) -> None:
        self.keys: deque[str] = deque()
        self.made_at = 0.0
        self.pid = 0
        self.lock = threading.Lock()

    def take(self) -> str:
        with self.lock:
            stale = (
                self.pid != os.getpid()  # made before a fork: another worker has them too
                or time.monotonic() - self.made_at > CHALLENGE_BATCH_SECONDS
            )
            if stale:
                self.drop()
            if not self.keys:
                self.keys.extend(_insert_challenges(CHALLENGE_BATCH))
                self.made_at, self.pid = time.monotonic(), os.getpid()
            return self.keys.popleft()

    def drop(self) -> None:
        """Forget the keys not handed out (their rows expire and are removed as usual)."""
        self.keys.clear()


_batch = _ChallengeBatch()


def forget_challenge_batch() -> None:
    with _batch.lock:
        _batch.drop()


def _insert_challenges(count: int) -> list[str]:
    """`count` new challenges in one INSERT, rows as CaptchaStore.save() makes them (the
    key: 160 random bits)."""
    expiration = timezone.now() + timedelta(minutes=int(settings.CAPTCHA_TIMEOUT))
    make = captcha_settings.get_challenge()
    rows = [
        CaptchaStore(
            challenge=text,
            response=response.lower(),
            hashkey=secrets.token_hex(20),
            expiration=expiration,
        )
        for text, response in (make() for _row in range(count))
    ]
    CaptchaStore.objects.bulk_create(rows)
    return [row.hashkey for row in rows]


def new_challenge(request: HttpRequest) -> str:
    """A new challenge for a login page from the cache, its visitor's alone: the next of
    this process's batch (docs/decisions/0014). Inside a transaction (which could still
    roll the batch's rows back) one row is made as the widget makes it at a render."""
    if connection.in_atomic_block:
        return CaptchaStore.generate_key()
    return _batch.take()


class PortalCaptchaWidget(CaptchaTextInput):
    template_name = "accounts/widgets/captcha.html"

    def __init__(self, *args, form_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.form_name = form_name

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        super().fetch_captcha_store(name, value, attrs, generator)
        challenge_lifetime_set(self._key, self.form_name)
        # Only challenges of the default lifetime are made again on a hit; another
        # form's hole has no maker, so its page is not stored.
        default = challenge_minutes(self.form_name) == settings.CAPTCHA_TIMEOUT
        page_hole(CAPTCHA_HOLE if default else f"{CAPTCHA_HOLE}:{self.form_name}", self._key)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = (
            reverse("captcha-refresh-form", kwargs={"form_name": self.form_name})
            if self.form_name in settings.CAPTCHA_FORM_MINUTES
            else reverse("captcha-refresh")
        )
        context["refresh_name"] = CAPTCHA_REFRESH
        return context


@require_safe
@never_cache
def captcha_refresh_view(request: HttpRequest, form_name: str) -> HttpResponse:
    """The JavaScript "show another image" of a form with its own challenge lifetime
    (django-simple-captcha's own refresh gives CAPTCHA_TIMEOUT)."""
    if (
        request.headers.get("x-requested-with") != "XMLHttpRequest"
        or form_name not in settings.CAPTCHA_FORM_MINUTES
    ):
        raise Http404
    key = CaptchaStore.generate_key()
    challenge_lifetime_set(key, form_name)
    return JsonResponse(
        {"key": key, "image_url": reverse("captcha-image", kwargs={"key": key}), "audio_url": None}
    )


class PortalCaptchaField(CaptchaField):
    """The image CAPTCHA. `form_name`: a form listed in CAPTCHA_FORM_MINUTES gets its
    challenge lifetime. An expired challenge has its own message."""

    def __init__(self, *, form_name: str = "", **kwargs) -> None:
        kwargs.setdefault("label", _("Characters in the image"))
        kwargs.setdefault(
            "help_text",
            _("Type the letters and digits you see; upper or lower case does not matter."),
        )
        kwargs.setdefault("widget", PortalCaptchaWidget(form_name=form_name))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _(
                    "The characters do not match the image. A new image is shown: try again."
                ),
                "expired": _("The image has expired. Type the characters in the new image."),
                "required": _("Type the characters shown in the image."),
                "incomplete": _("Type the characters shown in the image."),
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        """An answer to a challenge that is no longer there (it expired: expired ones
        are deleted at any form's answer) is told so, not "do not match"."""
        key = value[0] if value else ""
        answered = bool(value and len(value) > 1 and (value[1] or "").strip())
        if key and answered:
            live = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now())
            if not live.exists():
                CaptchaStore.objects.filter(hashkey=key).delete()
                raise ValidationError(self.error_messages["expired"], code="expired")
        return super().clean(value)


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
