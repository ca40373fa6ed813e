"""Passkeys (WebAuthn, py_webauthn): registering one, using one (as the second factor, for
a step-up, or to sign in without a password), removing one.

The relying party is the portal's host name: a credential is bound to it by the browser,
and every lookup here is limited to passkeys of the portal's users stored with that same
host, so a passkey of one portal never works on another, even on the same host. The
callers (views/passkeys.py, flows/passkeys.py) keep the single-use challenge in the
session and decide what a verified passkey opens."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import options_to_json_dict, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from inaproc.accounts.models import Passkey, User
from inaproc.accounts.services.factors import (
    FactorKind,
    _factor_changed,
    factor_removal_guard,
    factor_removal_lock,
)
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 100
# What malformed input can raise inside py_webauthn besides its own exceptions
# (base64 padding, CBOR structure, missing keys).
_MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError)


class PasskeyError(Exception):
    """A registration or assertion that is refused. `code` says why (for the caller's
    message); `passkey` is the stored passkey the assertion named, if one was found."""

    INVALID = "invalid"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"

    def __init__(self, code: str, *, passkey: Passkey | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.passkey = passkey


def passkey_user_handle(user: User) -> bytes:
    """The WebAuthn user handle: stable and opaque (no username, no database id in
    clear), and different for the same person's accounts on two portals."""
    return salted_hmac(
        "inaproc.accounts.passkey_user_handle",
        f"{user.portal_id}:{user.pk}",
        algorithm="sha256",
    ).digest()


def passkey_list(*, user: User):
    return Passkey.objects.filter(user=user).order_by("created_at", "pk")


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = []
    for value in passkey.transports or []:
        try:
            transports.append(AuthenticatorTransport(value))
        except ValueError:
            continue
    return PublicKeyCredentialDescriptor(
        id=bytes(passkey.credential_id), transports=transports or None
    )


# --- Registration -------------------------------------------------------------------------


def passkey_registration_options(*, user: User, rp_id: str, rp_name: str) -> tuple[dict, bytes]:
    """Options for navigator.credentials.create() (as JSON) and their challenge. The
    credential must be discoverable (so it can sign in without a username) and the
    account's existing passkeys are excluded (one authenticator, one passkey)."""
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=rp_name,
        user_id=passkey_user_handle(user),
        user_name=user.username,
        user_display_name=user.full_name or user.username,
        exclude_credentials=[_descriptor(p) for p in passkey_list(user=user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json_dict(options), options.challenge


def passkey_register(
    *,
    user: User,
    credential: object,
    name: str,
    challenge: bytes,
    rp_id: str,
    origin: str,
    context: AuditContext | None = None,
) -> Passkey:
    """Verify the browser's answer to the registration options and store the passkey;
    the owner is emailed and the addition audited."""
    if not isinstance(credential, dict | str):
        raise PasskeyError(PasskeyError.INVALID)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except _MALFORMED as error:
        logger.info("passkey registration refused: %s", error)
        raise PasskeyError(PasskeyError.INVALID) from error
    transports = []
    if isinstance(credential, dict) and isinstance(credential.get("response"), dict):
        raw = credential["response"].get("transports")
        if isinstance(raw, list):
            known = {t.value for t in AuthenticatorTransport}
            transports = [t for t in raw if isinstance(t, str) and t in known][:10]
    with transaction.atomic():
        if Passkey.objects.filter(credential_id=verified.credential_id).exists():
            raise PasskeyError(PasskeyError.DUPLICATE)
        passkey = Passkey.objects.create(
            user=user,
            name=name[:NAME_MAX_LENGTH],
            credential_id=verified.credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            rp_id=rp_id,
            transports=transports,
        )
        _factor_changed(
            user=user,
            verb="second_factor.added",
            kind=FactorKind.PASSKEY,
            context=context,
            name=passkey.name,
        )
    return passkey


# --- Using a passkey ------------------------------------------------------------------------


def passkey_authentication_options(
    *, rp_id: str, user: User | None = None, require_user_verification: bool = False
) -> tuple[dict, bytes]:
    """Options for navigator.credentials.get() (as JSON) and their challenge. With a
    user (second factor, step-up): that user's passkeys on this host. Without one
    (sign-in without a password): none, so the browser offers its discoverable passkeys
    for this host, and the user must be verified (PIN or biometrics), since the passkey
    is then the only proof."""
    allow = None
    if user is not None:
        allow = [_descriptor(p) for p in passkey_list(user=user).filter(rp_id=rp_id)]
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=allow,
        user_verification=(
            UserVerificationRequirement.REQUIRED
            if require_user_verification
            else UserVerificationRequirement.PREFERRED
        ),
    )
    return options_to_json_dict(options), options.challenge


def passkey_credential_parse(credential: object) -> AuthenticationCredential:
    """The browser's assertion, parsed; PasskeyError(INVALID) for anything malformed."""
    if not isinstance(credential, dict):
        raise PasskeyError(PasskeyError.INVALID)
    try:
        return parse_authentication_credential_json(credential)
    except _MALFORMED as error:
        raise PasskeyError(PasskeyError.INVALID) from error


def passkey_find(*, portal: Portal, rp_id: str, credential: AuthenticationCredential) -> Passkey:
    """The stored passkey an assertion names, among the passkeys of `portal`'s users
    registered for this host; PasskeyError(UNKNOWN) if there is none (a passkey of
    another portal or another host is unknown here)."""
    passkey = (
        Passkey.objects.select_related("user")
        .filter(credential_id=credential.raw_id, rp_id=rp_id, user__portal=portal)
        .first()
    )
    if passkey is None:
        raise PasskeyError(PasskeyError.UNKNOWN)
    return passkey


def passkey_verify(
    *,
    passkey: Passkey,
    credential: AuthenticationCredential,
    challenge: bytes,
    origin: str,
    require_user_verification: bool = False,
) -> Passkey:
    """Check the assertion's signature, challenge, origin, host and sign count against
    the stored passkey, then record its use. The row is locked meanwhile, so that two
    requests with the same assertion cannot both pass the sign-count check."""
    handle = credential.response.user_handle
    if handle is not None and handle != passkey_user_handle(passkey.user):
        raise PasskeyError(PasskeyError.INVALID, passkey=passkey)
    with transaction.atomic():
        locked = Passkey.objects.select_for_update().get(pk=passkey.pk)
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=locked.rp_id,
                expected_origin=origin,
                credential_public_key=bytes(locked.public_key),
                credential_current_sign_count=locked.sign_count,
                require_user_verification=require_user_verification,
            )
        except _MALFORMED as error:
            logger.info("passkey %s refused: %s", passkey.pk, error)
            raise PasskeyError(PasskeyError.INVALID, passkey=passkey) from error
        locked.sign_count = verified.new_sign_count
        locked.last_used_at = timezone.now()
        locked.save(update_fields=["sign_count", "last_used_at"])
    return locked


# --- Removal --------------------------------------------------------------------------------


def passkey_remove(*, user: User, passkey_id: int, context: AuditContext | None = None) -> bool:
    """Remove one of `user`'s own passkeys (audited, emailed). False if `user` has no
    passkey with that id; LastRequiredFactorError (nothing removed) when it is the only
    factor of an account that must have one."""
    with transaction.atomic():
        factor_removal_lock(user)
        passkey = Passkey.objects.select_for_update().filter(pk=passkey_id, user=user).first()
        if passkey is None:
            return False
        factor_removal_guard(user)
        name = passkey.name
        passkey.delete()
        _factor_changed(
            user=user,
            verb="second_factor.removed",
            kind=FactorKind.PASSKEY,
            context=context,
            name=name,
        )
    return True
