"""Passkeys (WebAuthn): the JSON endpoints behind static/js/passkeys.js, and removal.

Every ceremony has two requests: the options (with a challenge kept in the session,
single use, for CHALLENGE_MINUTES) and the browser's answer. Answers are JSON:
{"redirect": url} when done (or when a step-up must come first), {"error": message}
with a 4xx status when refused. The relying party is the host of the request as the
browser sees it, without the port; the expected origin is scheme + host."""

import json
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from inaproc.accounts.decorators import portal_login_required, step_up_needed
from inaproc.accounts.forms.login import locked_message, throttled_message
from inaproc.accounts.models import LoginMethod, LoginOutcome, User
from inaproc.accounts.selectors import ip_retry_after, lock_until
from inaproc.accounts.services.factors import (
    has_second_factor,
    is_last_required_factor,
    recovery_codes_left,
    second_factor_mark,
)
from inaproc.accounts.services.passkeys import (
    NAME_MAX_LENGTH,
    PasskeyError,
    passkey_authentication_options,
    passkey_credential_parse,
    passkey_find,
    passkey_list,
    passkey_register,
    passkey_registration_options,
    passkey_remove,
    passkey_verify,
)
from inaproc.accounts.services.signin import attempt_record, failure_register
from inaproc.core.http import client_info
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url

CHALLENGE_KEY = "inaproc_passkey_challenge"
CHALLENGE_MINUTES = 5
REGISTER = "register"
LOGIN = "login"
SECOND_FACTOR = "second_factor"
STEP_UP = "step_up"


# --- Helpers --------------------------------------------------------------------------------


def rp_id_for(request: HttpRequest) -> str:
    """The relying party: the portal's host name as the browser sees it, no port."""
    domain, _port = split_domain_port(request.get_host())
    return domain.strip("[]")


def origin_for(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


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


def _error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _json_body(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _challenge_store(request: HttpRequest, challenge: bytes, *, purpose: str, user_id=None):
    request.session[CHALLENGE_KEY] = {
        "challenge": bytes_to_base64url(challenge),
        "purpose": purpose,
        "user": user_id,
        "until": (timezone.now() + timedelta(minutes=CHALLENGE_MINUTES)).isoformat(),
    }


def _challenge_pop(request: HttpRequest, *, purpose: str, user_id=None) -> bytes | None:
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


def _expired() -> JsonResponse:
    return _error(_("The passkey request is no longer valid. Try again."))


def _not_accepted() -> str:
    return _(
        "This passkey was not accepted. A passkey works only on the portal where it was "
        "added; try another one, or sign in with your password."
    )


def _step_up_url(request: HttpRequest) -> str:
    step_up = portal_url(request.portal, "accounts:step_up")
    factors = portal_url(request.portal, "accounts:factors")
    return f"{step_up}?{urlencode({'next': factors})}"


def _json_step_up(request: HttpRequest) -> JsonResponse:
    return _error(
        _("Confirm your second factor first."), status=403, redirect=_step_up_url(request)
    )


# --- Registration (signed in, on the factor management page) --------------------------------


@require_POST
@never_cache
@portal_login_required
def register_options_view(request: HttpRequest) -> HttpResponse:
    # Adding a factor is sensitive: with a factor already, a fresh check comes first.
    # (During forced enrolment the account has none, so nothing is asked.)
    if step_up_needed(request):
        return _json_step_up(request)
    options, challenge = passkey_registration_options(
        user=request.user, rp_id=rp_id_for(request), rp_name=request.portal.name
    )
    _challenge_store(request, challenge, purpose=REGISTER, user_id=request.user.pk)
    return JsonResponse({"options": options})


@require_POST
@never_cache
@portal_login_required
def register_view(request: HttpRequest) -> HttpResponse:
    data = _json_body(request)
    if data is None:
        return _error(_("The request was not understood."))
    if step_up_needed(request):
        return _json_step_up(request)
    name = data.get("name")
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        return _error(_("Give the passkey a name."))
    if len(name) > NAME_MAX_LENGTH:
        return _error(
            _("Use at most %(count)d characters for the name.") % {"count": NAME_MAX_LENGTH}
        )
    challenge = _challenge_pop(request, purpose=REGISTER, user_id=request.user.pk)
    if challenge is None:
        return _expired()
    try:
        passkey = passkey_register(
            user=request.user,
            credential=data.get("credential"),
            name=name,
            challenge=challenge,
            rp_id=rp_id_for(request),
            origin=origin_for(request),
            request=request,
        )
    except PasskeyError as error:
        if error.code == PasskeyError.DUPLICATE:
            return _error(_("This passkey is already registered."))
        return _error(_("The passkey could not be added. Try again."))
    # The ceremony just proved the new passkey: it counts as this session's check (so a
    # first factor set up during enrolment does not ask for itself again at once).
    second_factor_mark(user_session=request.user_session)
    messages.success(request, _("The passkey “%(name)s” was added.") % {"name": passkey.name})
    # A first factor: next, the recovery codes that stand in for it when it is lost.
    target = (
        "accounts:recovery_codes" if recovery_codes_left(request.user) == 0 else "accounts:factors"
    )
    return JsonResponse({"redirect": portal_url(request.portal, target)})


@require_POST
@never_cache
@portal_login_required
def remove_view(request: HttpRequest, passkey_id: int) -> HttpResponse:
    factors = portal_url(request.portal, "accounts:factors")
    if not request.user.passkeys.filter(pk=passkey_id).exists():
        raise Http404
    if step_up_needed(request):
        messages.info(request, _("Removing a passkey needs a fresh check of your second factor."))
        return HttpResponseRedirect(_step_up_url(request))
    if is_last_required_factor(request.user):
        messages.error(
            request,
            _(
                "Your role needs a second factor, and this passkey is your only one. Add "
                "another passkey or an authenticator app first."
            ),
        )
        return HttpResponseRedirect(factors)
    if not passkey_remove(user=request.user, passkey_id=passkey_id, request=request):
        raise Http404
    messages.success(request, _("The passkey was removed."))
    if not has_second_factor(request.user):
        messages.warning(
            request, _("Your account has no second factor now: only your password protects it.")
        )
    return HttpResponseRedirect(factors)


# --- Using a passkey: sign-in, second step, step-up -----------------------------------------


@require_POST
@never_cache
@portal_required
def login_options_view(request: HttpRequest) -> HttpResponse:
    from inaproc.accounts.views.second_factor import pending_login

    data = _json_body(request)
    purpose = data.get("purpose") if data else None
    user: User | None = None
    if purpose == LOGIN:
        if request.user.is_authenticated:
            return JsonResponse({"redirect": portal_url(request.portal, "accounts:dashboard")})
    elif purpose == SECOND_FACTOR:
        found = pending_login(request)
        if found is None:
            return _pending_gone(request)
        user = found[0]
    elif purpose == STEP_UP:
        if not request.user.is_authenticated:
            return _error(_("Your session has ended. Log in again."), status=403)
        user = request.user
    else:
        return _error(_("The request was not understood."))
    rp_id = rp_id_for(request)
    if user is not None and not passkey_list(user=user).filter(rp_id=rp_id).exists():
        return _error(_("Your account has no passkey for this portal."))
    options, challenge = passkey_authentication_options(
        rp_id=rp_id, user=user, require_user_verification=purpose == LOGIN
    )
    _challenge_store(request, challenge, purpose=purpose, user_id=user.pk if user else None)
    return JsonResponse({"options": options})


@require_POST
@never_cache
@portal_required
def login_view(request: HttpRequest) -> HttpResponse:
    data = _json_body(request)
    purpose = data.get("purpose") if data else None
    if purpose == LOGIN:
        return _passwordless_login(request, data)
    if purpose == SECOND_FACTOR:
        return _second_factor(request, data)
    if purpose == STEP_UP:
        return _step_up(request, data)
    return _error(_("The request was not understood."))


def _pending_gone(request: HttpRequest) -> JsonResponse:
    return _error(
        _("Your sign-in took too long or was not started. Log in again."),
        redirect=portal_url(request.portal, "accounts:login"),
    )


def _passwordless_login(request: HttpRequest, data: dict) -> JsonResponse:
    """A passkey alone, with user verification: no password, no CAPTCHA. The address
    throttle and the username lock still apply; an unknown passkey counts towards the
    address's throttle, a refused known one towards its account's lock."""
    from inaproc.accounts.views.login import retry_later, safe_next_url, sign_in

    challenge = _challenge_pop(request, purpose=LOGIN)
    if challenge is None:
        return _expired()
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
        return retry_later(_error(throttled_message(retry)), retry)
    try:
        credential = passkey_credential_parse(data.get("credential"))
        passkey = passkey_find(portal=portal, rp_id=rp_id_for(request), credential=credential)
    except PasskeyError:
        record(LoginOutcome.WRONG_CREDENTIALS)
        return _error(_not_accepted())
    user = passkey.user
    locked = lock_until(portal=portal, username=user.username)
    if locked:
        record(LoginOutcome.LOCKED, user.username, user)
        return _error(locked_message(locked))
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
        return _error(locked_message(locked) if locked else _not_accepted())
    if not user.is_active:
        record(LoginOutcome.INACTIVE, user.username, user)
        return _error(_not_accepted())
    # A verified passkey is possession plus the person: it counts as the second factor.
    second_factor_mark(user_session=sign_in(request, user, method=LoginMethod.PASSKEY))
    next_url = safe_next_url(request, str(data.get("next") or ""))
    return JsonResponse(
        {"redirect": next_url or portal_url(portal, "accounts:dashboard")}, status=200
    )


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


def _second_factor(request: HttpRequest, data: dict) -> JsonResponse:
    """The second step of signing in, for the account whose password was just right."""
    from inaproc.accounts.views.second_factor import (
        factor_attempt,
        pending_login,
        pending_login_end_locked,
        second_factor_complete,
    )

    found = pending_login(request)
    if found is None:
        request.session.pop(CHALLENGE_KEY, None)
        return _pending_gone(request)
    user, pending = found
    challenge = _challenge_pop(request, purpose=SECOND_FACTOR, user_id=user.pk)
    if challenge is None:
        return _expired()
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
        return _error(_not_accepted())
    pending_login_end_locked(request, locked)
    return _error(locked_message(locked), redirect=portal_url(request.portal, "accounts:login"))


def _step_up(request: HttpRequest, data: dict) -> JsonResponse:
    """A fresh check of the second factor before a sensitive action."""
    from inaproc.accounts.views.login import safe_next_url
    from inaproc.accounts.views.second_factor import factor_attempt

    if not request.user.is_authenticated:
        return _error(_("Your session has ended. Log in again."), status=403)
    challenge = _challenge_pop(request, purpose=STEP_UP, user_id=request.user.pk)
    if challenge is None:
        return _expired()
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
        return JsonResponse(
            {"redirect": next_url or portal_url(request.portal, "accounts:dashboard")}
        )
    return _error(locked_message(locked) if locked else _not_accepted())
