"""Single-use links sent by email (invitations, email changes, ticket links): the token
is only in the email; the database keeps its keyed hash, so a leaked table opens nothing."""

import secrets

from django.utils.crypto import salted_hmac

TOKEN_MAX_LENGTH = 100


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(purpose: str, token: str) -> str:
    """The stored form of `token`. `purpose` (e.g. "inaproc.vendors.invitation") keeps a
    token of one kind from matching a hash of another."""
    return salted_hmac(purpose, token).hexdigest()


def token_plausible(token: str | None) -> bool:
    """Worth hashing and looking up: anything else is simply an invalid link."""
    return bool(token) and len(token) <= TOKEN_MAX_LENGTH


def link_token_keep(request, session_key: str, token: str) -> None:
    """An emailed link was opened: keep its token in this browser's session, so that the
    page the browser goes on to does not carry it in its address (history, Referer). An
    anonymous browser gets a new session key first: a key planted before cannot ride
    along."""
    if not request.user.is_authenticated:
        request.session.cycle_key()
    request.session[session_key] = token if token_plausible(token) else ""


def link_token_kept(request, session_key: str) -> str:
    """The token an emailed link left in this browser's session (`link_token_keep`), or ""."""
    token = request.session.get(session_key, "")
    return token if isinstance(token, str) else ""
