"""Passkeys (WebAuthn) in the sign-in flows: the ceremony's challenge kept in the
session (single use, for CHALLENGE_MINUTES), the relying party as the browser sees it,
and the three ways a passkey is used: sign-in without a password, the second step of
signing in, and the step-up check. Answers are JSON: {"redirect": url} when done,
{"error": message} with a 4xx status when refused."""

from datetime import timedelta

from django.http import HttpRequest, JsonResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from inaproc.accounts.flows.login import next_or_dashboard, safe_next_url, sign_in
from inaproc.accounts.flows.pending import pending_login
from inaproc.accounts.flows.second_factor import (
    factor_attempt,
    pending_login_end_locked,
    second_factor_complete,
)
from inaproc.accounts.forms.login import locked_message, throttled_message
from inaproc.accounts.models import LoginMethod, LoginOutcome, User
from inaproc.accounts.selectors import ip_retry_after, lock_until
from inaproc.accounts.services.factors import second_factor_mark
from inaproc.accounts.services.passkeys import (
    NAME_MAX_LENGTH,
    PasskeyError,
    passkey_credential_parse,
    passkey_find,
    passkey_list,
    passkey_verify,
)
from inaproc.accounts.services.signin import attempt_record, failure_register
from inaproc.core.http import client_info, retry_later
from inaproc.portals.urls_helpers import portal_url

CHALLENGE_KEY = "inaproc_passkey_challenge"
CHALLENGE_MINUTES = 5
REGISTER = "register"
LOGIN = "login"
SECOND_FACTOR = "second_factor"
STEP_UP = "step_up"


# --- The relying party and the challenge ----------------------------------------------------


def rp_id_for(request: HttpRequest) -> str:
    """The relying party: the portal's host name as the browser sees it, no port."""
    domain, _port = split_domain_port(request.get_host())
    return domain.strip("[]")


def origin_for(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def challenge_store(request: HttpRequest, challenge: bytes, *, purpose: str, user_id=None):
    request.session[CHALLENGE_KEY] = {
        "challenge": bytes_to_base64url(challenge),
        "purpose": purpose,
        "user": user_id,
        "until": (timezone.now() + timedelta(minutes=CHALLENGE_MINUTES)).isoformat(),
    }


def challenge_pop(request: HttpRequest, *, purpose: str, user_id=None) -> bytes | None:
    """The challenge of the last options for `purpose` (and user), if still in time.
    It is removed whatever the outcome: a challenge is answered once."""
    stored = request.session.pop(CHALLENGE_KEY, None)
    if not isinstance(stored, dict) or stored.get("purpose") != purpose:
        return None
    if stored.get("user") != user_id:
        return None
    until = parse_datetime(str(stored.get("until", "")))
    if until is None or until <= timezone.now():
        return None
    try:
        return base64url_to_bytes(str(stored.get("challenge", "")))
    except ValueError:
        return None


def passkey_name_suggestion(request: HttpRequest) -> str:
    """A default name for a new passkey: the browser and system, e.g. "Chrome / Linux"."""
    client = client_info(request)
    browser = " ".join(w for w in client.browser.split() if not w.isdigit())
    return " / ".join(filter(None, [browser, client.operating_system]))[:NAME_MAX_LENGTH]


def passkeys_section_context(request: HttpRequest) -> dict:
    """What accounts/_passkeys_section.html needs (the factor management page adds it
    to its context)."""
    return {
        "passkeys": passkey_list(user=request.user),
        "passkey_name_suggestion": passkey_name_suggestion(request),
    }


# --- JSON answers ---------------------------------------------------------------------------


def json_error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def expired() -> JsonResponse:
    return json_error(_("The passkey request is no longer valid. Try again."))


def pending_gone(request: HttpRequest) -> JsonResponse:
    return json_error(
        _("Your sign-in took too long or was not started. Log in again."),
        redirect=portal_url(request.portal, "accounts:login"),
    )


def _not_accepted() -> str:
    return _(
        "This passkey was not accepted. A passkey works only on the portal where it was "
        "added; try another one, or sign in with your password."
    )


# --- Using a passkey ------------------------------------------------------------------------


def passkey_login(request: HttpRequest, data: dict) -> JsonResponse:
    """A passkey alone, with user verification: no password, no CAPTCHA. The address
    throttle and the username lock still apply; an unknown passkey counts towards the
    address's throttle, a refused known one towards its account's lock."""
    challenge = challenge_pop(request, purpose=LOGIN)
    if challenge is None:
        return expired()
    portal, client = request.portal, client_info(request)

    def record(outcome: str, username: str = "", user: User | None = None) -> None:
        attempt_record(
            portal=portal,
            username=username,
            outcome=outcome,
            client=client,
            user=user,
            method=LoginMethod.PASSKEY,
        )

    retry = ip_retry_after(portal=portal, ip_address=client.ip_address)
    if retry:
        record(LoginOutcome.THROTTLED)
        return retry_later(json_error(throttled_message(retry)), retry)
    try:
        credential = passkey_credential_parse(data.get("credential"))
        passkey = passkey_find(portal=portal, rp_id=rp_id_for(request), credential=credential)
    except PasskeyError:
        record(LoginOutcome.WRONG_CREDENTIALS)
        return json_error(_not_accepted())
    user = passkey.user
    locked = lock_until(portal=portal, username=user.username)
    if locked:
        record(LoginOutcome.LOCKED, user.username, user)
        return json_error(locked_message(locked))
    try:
        passkey_verify(
            passkey=passkey,
            credential=credential,
            challenge=challenge,
            origin=origin_for(request),
            require_user_verification=True,
        )
    except PasskeyError:
        locked = failure_register(
            portal=portal, username=user.username, client=client, method=LoginMethod.PASSKEY
        )
        return json_error(locked_message(locked) if locked else _not_accepted())
    if not user.is_active:
        record(LoginOutcome.INACTIVE, user.username, user)
        return json_error(_not_accepted())
    # A verified passkey is possession plus the person: it counts as the second factor.
    second_factor_mark(user_session=sign_in(request, user, method=LoginMethod.PASSKEY))
    next_url = safe_next_url(request, str(data.get("next") or ""))
    return JsonResponse({"redirect": next_or_dashboard(request, next_url)}, status=200)


def _check_own_passkey(request: HttpRequest, user: User, data: dict, challenge: bytes) -> bool:
    """Whether the assertion is right and names one of `user`'s passkeys on this portal
    and host. A refusal counts towards the user's lock, like a wrong code."""
    try:
        credential = passkey_credential_parse(data.get("credential"))
        passkey = passkey_find(
            portal=request.portal, rp_id=rp_id_for(request), credential=credential
        )
        if passkey.user_id != user.pk:
            raise PasskeyError(PasskeyError.INVALID)
        passkey_verify(
            passkey=passkey, credential=credential, challenge=challenge, origin=origin_for(request)
        )
    except PasskeyError:
        return False
    return True


def passkey_second_factor(request: HttpRequest, data: dict) -> JsonResponse:
    """The second step of signing in, for the account whose password was just right."""
    found = pending_login(request)
    if found is None:
        request.session.pop(CHALLENGE_KEY, None)
        return pending_gone(request)
    user, pending = found
    challenge = challenge_pop(request, purpose=SECOND_FACTOR, user_id=user.pk)
    if challenge is None:
        return expired()
    proved, locked = factor_attempt(
        request,
        user,
        proved=lambda: _check_own_passkey(request, user, data, challenge),
        method=LoginMethod.PASSKEY,
    )
    if proved:
        done = second_factor_complete(request, user, pending, remember=data.get("remember") is True)
        response = JsonResponse({"redirect": done["Location"]})
        response.cookies = done.cookies
        return response
    if locked is None:
        return json_error(_not_accepted())
    pending_login_end_locked(request, locked)
    return json_error(locked_message(locked), redirect=portal_url(request.portal, "accounts:login"))


def passkey_step_up(request: HttpRequest, data: dict) -> JsonResponse:
    """A fresh check of the second factor before a sensitive action."""
    if not request.user.is_authenticated:
        return json_error(_("Your session has ended. Log in again."), status=403)
    challenge = challenge_pop(request, purpose=STEP_UP, user_id=request.user.pk)
    if challenge is None:
        return expired()
    user = request.user
    proved, locked = factor_attempt(
        request,
        user,
        proved=lambda: _check_own_passkey(request, user, data, challenge),
        method=LoginMethod.PASSKEY,
    )
    if proved:
        second_factor_mark(user_session=request.user_session)
        next_url = safe_next_url(request, str(data.get("next") or ""))
        return JsonResponse({"redirect": next_or_dashboard(request, next_url)})
    return json_error(locked_message(locked) if locked else _not_accepted())
