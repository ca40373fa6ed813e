"""Managing one's second factors: the overview, setting up an authenticator app (the QR
code is drawn here, by segno, with no outside service), removing it, and recovery codes
(shown once, downloadable, printable). Passkeys are in views/passkeys.py.

Adding or removing a factor and making new recovery codes are sensitive actions: an
account that has a factor confirms it again when the last check is older than
SECOND_FACTOR_STEP_UP_MINUTES (`second_factor_fresh_required`). The step-up page sends
the browser back with a GET, so the POST-only actions answer a GET by returning to the
page that holds their button."""

from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.decorators import portal_login_required, second_factor_fresh_required
from inaproc.accounts.flows.passkeys import passkeys_section_context
from inaproc.accounts.forms.factors import RecoveryCodesDownloadForm, TotpConfirmForm
from inaproc.accounts.services.factors import (
    LastRequiredFactorError,
    has_second_factor,
    recovery_codes_generate,
    recovery_codes_left,
    second_factor_mark,
    second_factor_required,
    totp_device,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_remove,
)
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url

# The unconfirmed device being set up in this session. Kept here, not in the form, and
# looked up with the signed-in user as well.
ENROLMENT_SESSION_KEY = "inaproc_totp_enrolment"
QR_SCALE = 4


def _factors_url(request: HttpRequest) -> str:
    return portal_url(request.portal, "accounts:factors")


@require_GET
@never_cache
@portal_login_required
def factors_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_factor = has_second_factor(user)
    context = {
        "totp": totp_device(user),
        "has_factor": has_factor,
        "must_enrol": second_factor_required(user) and not has_factor,
        "codes_left": recovery_codes_left(user),
        **passkeys_section_context(request),  # passkeys, passkey_name_suggestion
    }
    return render(request, "accounts/factors.html", context)


# --- Authenticator app ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
@portal_login_required
@second_factor_fresh_required
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    """GET: a new secret, as a QR code and as text. POST: its first code confirms it."""
    user = request.user
    if request.method == "GET":
        device = totp_enrolment_start(user=user)
        request.session[ENROLMENT_SESSION_KEY] = device.pk
        return _enrol_page(request, device, TotpConfirmForm())
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROLMENT_SESSION_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        messages.error(request, _("That set-up was replaced or has ended. Scan this new code."))
        return HttpResponseRedirect(portal_url(request.portal, "accounts:totp_enrol"))
    form = TotpConfirmForm(request.POST)
    if not form.is_valid():
        return _enrol_page(request, device, form)
    code = form.cleaned_data["code"]
    if not totp_enrolment_confirm(
        user=user, device_id=device.pk, code=code, context=audit_context(request)
    ):
        # Not a sign-in: a wrong code here does not count towards the lockout.
        form.add_error(
            "code",
            _(
                "This code is not right. Check that the app shows the account you just "
                "added, and type its newest code."
            ),
        )
        return _enrol_page(request, device, form)
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    # The code just typed proves the factor: no step-up for the next minutes.
    second_factor_mark(user_session=request.user_session)
    messages.success(request, _("The authenticator app is set up."))
    if recovery_codes_left(user) == 0:
        return _codes_page(
            request, recovery_codes_generate(user=user, context=audit_context(request))
        )
    return HttpResponseRedirect(_factors_url(request))


def totp_config_url(device: TOTPDevice, *, issuer: str) -> str:
    """The otpauth:// URL of the QR code, labelled with the portal's name, so that the
    app lists "LPSE Alpha: 0012…" rather than a name shared by every portal."""
    issuer = issuer.replace(":", "").strip() or settings.OTP_TOTP_ISSUER
    label = f"{issuer}:{device.user.get_username()}"
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(issuer)}"


def _enrol_page(request: HttpRequest, device: TOTPDevice, form: TotpConfirmForm) -> HttpResponse:
    qr = segno.make(totp_config_url(device, issuer=request.portal.name), error="m")
    width, height = qr.symbol_size(scale=QR_SCALE)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_code": qr.svg_data_uri(scale=QR_SCALE, dark="#000", light="#fff"),
        "qr_width": width,
        "qr_height": height,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "digits": device.digits,
        "step": device.step,
        "replacing": totp_device(request.user) is not None,
    }
    return render(request, "accounts/totp_enrol.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_login_required
@second_factor_fresh_required
def totp_remove_view(request: HttpRequest) -> HttpResponse:
    """Remove the authenticator app. An account that must have a second factor cannot
    remove its only one: it would be sent straight back to enrolment, and until then
    only its password would protect it. "Set up again" replaces the app instead."""
    user = request.user
    if request.method == "GET":
        # Back from the step-up check: the button is on the factors page.
        if totp_device(user) is not None:
            messages.info(request, _("Confirmed. Press “Remove the app” again to remove it."))
        return HttpResponseRedirect(_factors_url(request))
    if totp_device(user) is None:
        messages.info(request, _("There is no authenticator app to remove."))
        return HttpResponseRedirect(_factors_url(request))
    try:
        totp_remove(user=user, context=audit_context(request))
    except LastRequiredFactorError:
        messages.error(
            request,
            _(
                "Your role needs a second factor, and the app is your only one. To move to "
                "a new phone, set the app up again (this replaces the old one), or add a "
                "passkey first."
            ),
        )
        return HttpResponseRedirect(_factors_url(request))
    messages.success(request, _("The authenticator app was removed."))
    if not has_second_factor(user):
        messages.warning(
            request, _("Your account has no second factor now: only your password protects it.")
        )
    return HttpResponseRedirect(_factors_url(request))


# --- Recovery codes -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
@portal_login_required
def recovery_codes_view(request: HttpRequest) -> HttpResponseBase:
    """GET: what recovery codes are, and a button to make new ones. POST: make them (after
    step-up) and show them once. POST with `download`: the codes of that page as a file."""
    if request.method == "POST" and "download" in request.POST:
        return _codes_download(request)
    if request.method == "POST":
        return _codes_generate(request)
    user = request.user
    context = {"codes_left": recovery_codes_left(user), "has_factor": has_second_factor(user)}
    return render(request, "accounts/recovery_codes.html", context)


@second_factor_fresh_required
def _codes_generate(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_second_factor(user):
        messages.error(
            request,
            _(
                "Recovery codes stand in for a lost authenticator app or passkey. Set up "
                "one of those first."
            ),
        )
        return HttpResponseRedirect(_factors_url(request))
    codes = recovery_codes_generate(user=user, context=audit_context(request))
    messages.success(request, _("New recovery codes were made. The earlier ones no longer work."))
    return _codes_page(request, codes)


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The only time the codes are shown. They are not kept anywhere in plain text."""
    context = {"codes": codes, "codes_count": len(codes)}
    return render(request, "accounts/recovery_codes.html", context)


def _codes_download(request: HttpRequest) -> HttpResponse:
    form = RecoveryCodesDownloadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("These are not recovery codes. Make new ones if you lost yours."))
        return HttpResponseRedirect(portal_url(request.portal, "accounts:recovery_codes"))
    lines = [
        _("Recovery codes of %(username)s on %(portal)s")
        % {"username": request.user.get_username(), "portal": request.portal.name},
        _("Each code works once, in place of your authenticator app or passkey."),
        _("Keep them somewhere safe, apart from your phone."),
        "",
        *form.codes,
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    filename = f"recovery-codes-{request.portal.slug}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
