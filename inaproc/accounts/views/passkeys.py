"""Passkeys (WebAuthn): the JSON endpoints behind static/js/passkeys.js, and removal.
The sign-in ceremonies themselves are in flows/passkeys.py.

Every ceremony has two requests: the options (with a challenge kept in the session,
single use, for CHALLENGE_MINUTES) and the browser's answer. Answers are JSON:
{"redirect": url} when done (or when a step-up must come first), {"error": message}
with a 4xx status when refused. The relying party is the host of the request as the
browser sees it, without the port; the expected origin is scheme + host."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from inaproc.accounts.decorators import portal_login_required, step_up_needed
from inaproc.accounts.flows.passkeys import (
    LOGIN,
    REGISTER,
    SECOND_FACTOR,
    STEP_UP,
    challenge_pop,
    challenge_store,
    expired,
    json_error,
    origin_for,
    passkey_login,
    passkey_second_factor,
    passkey_step_up,
    pending_gone,
    rp_id_for,
)
from inaproc.accounts.flows.pending import pending_login
from inaproc.accounts.models import User
from inaproc.accounts.services.factors import (
    LastRequiredFactorError,
    has_second_factor,
    recovery_codes_left,
    second_factor_mark,
)
from inaproc.accounts.services.passkeys import (
    NAME_MAX_LENGTH,
    PasskeyError,
    passkey_authentication_options,
    passkey_list,
    passkey_register,
    passkey_registration_options,
    passkey_remove,
)
from inaproc.core.http import audit_context
from inaproc.portals.decorators import portal_required
from inaproc.portals.urls_helpers import portal_url


def _json_body(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _step_up_url(request: HttpRequest) -> str:
    step_up = portal_url(request.portal, "accounts:step_up")
    factors = portal_url(request.portal, "accounts:factors")
    return f"{step_up}?{urlencode({'next': factors})}"


def _json_step_up(request: HttpRequest) -> JsonResponse:
    return json_error(
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
    challenge_store(request, challenge, purpose=REGISTER, user_id=request.user.pk)
    return JsonResponse({"options": options})


@require_POST
@never_cache
@portal_login_required
def register_view(request: HttpRequest) -> HttpResponse:
    data = _json_body(request)
    if data is None:
        return json_error(_("The request was not understood."))
    if step_up_needed(request):
        return _json_step_up(request)
    name = data.get("name")
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        return json_error(_("Give the passkey a name."))
    if len(name) > NAME_MAX_LENGTH:
        return json_error(
            _("Use at most %(count)d characters for the name.") % {"count": NAME_MAX_LENGTH}
        )
    challenge = challenge_pop(request, purpose=REGISTER, user_id=request.user.pk)
    if challenge is None:
        return expired()
    try:
        passkey = passkey_register(
            user=request.user,
            credential=data.get("credential"),
            name=name,
            challenge=challenge,
            rp_id=rp_id_for(request),
            origin=origin_for(request),
            context=audit_context(request),
        )
    except PasskeyError as error:
        if error.code == PasskeyError.DUPLICATE:
            return json_error(_("This passkey is already registered."))
        return json_error(_("The passkey could not be added. Try again."))
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
    try:
        removed = passkey_remove(
            user=request.user, passkey_id=passkey_id, context=audit_context(request)
        )
    except LastRequiredFactorError:
        messages.error(
            request,
            _(
                "Your role needs a second factor, and this passkey is your only one. Add "
                "another passkey or an authenticator app first."
            ),
        )
        return HttpResponseRedirect(factors)
    if not removed:
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
    data = _json_body(request)
    purpose = data.get("purpose") if data else None
    user: User | None = None
    if purpose == LOGIN:
        if request.user.is_authenticated:
            return JsonResponse({"redirect": portal_url(request.portal, "accounts:dashboard")})
    elif purpose == SECOND_FACTOR:
        found = pending_login(request)
        if found is None:
            return pending_gone(request)
        user = found[0]
    elif purpose == STEP_UP:
        if not request.user.is_authenticated:
            return json_error(_("Your session has ended. Log in again."), status=403)
        user = request.user
    else:
        return json_error(_("The request was not understood."))
    rp_id = rp_id_for(request)
    if user is not None and not passkey_list(user=user).filter(rp_id=rp_id).exists():
        return json_error(_("Your account has no passkey for this portal."))
    options, challenge = passkey_authentication_options(
        rp_id=rp_id, user=user, require_user_verification=purpose == LOGIN
    )
    challenge_store(request, challenge, purpose=purpose, user_id=user.pk if user else None)
    return JsonResponse({"options": options})


@require_POST
@never_cache
@portal_required
def login_view(request: HttpRequest) -> HttpResponse:
    data = _json_body(request)
    purpose = data.get("purpose") if data else None
    if purpose == LOGIN:
        return passkey_login(request, data)
    if purpose == SECOND_FACTOR:
        return passkey_second_factor(request, data)
    if purpose == STEP_UP:
        return passkey_step_up(request, data)
    return json_error(_("The request was not understood."))
