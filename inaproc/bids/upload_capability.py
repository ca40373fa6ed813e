"""The upload capability of a bid page: a signed, short-lived permission for one user of a
company to upload into its bid for one tender of one portal, so that the resumable-upload
requests of a deadline need neither the session nor the company lookups
(docs/sealed-bids.md, "Upload capability").

It names the portal, the tender, the participation, the user and the session record it
was issued in, and is signed with the site's SECRET_KEY under its own salt (it can be
neither forged nor replayed as any other signed value). It is not a bearer of its own
authority: every request that carries it is still checked against the database
(`selectors.bids.participation_for_capability`): the participation, the tender
published and its upload stage open by the server clock, the member still acting for
the company, the account active and the session it was issued in not ended. Its expiry
(BID_UPLOAD_CAPABILITY_MINUTES) bounds only what is not checked again: the session's
idle and absolute timeouts. The page asks for a new one before it runs out."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "inaproc.bids.upload-capability"
HEADER = "Upload-Capability"


@dataclass(frozen=True)
class UploadCapability:
    portal_id: int
    code: int
    participation_id: int
    user_id: int
    user_session_id: int


def capability_lifetime() -> timedelta:
    return timedelta(minutes=settings.BID_UPLOAD_CAPABILITY_MINUTES)


def capability_issue(capability: UploadCapability) -> str:
    """The capability as a URL-safe string, valid from now (the header `Upload-Capability`)."""
    payload = [
        capability.portal_id,
        capability.code,
        capability.participation_id,
        capability.user_id,
        capability.user_session_id,
    ]
    value = signing.b64_encode(signing.JSONSerializer().dumps(payload)).decode()
    return signing.TimestampSigner(salt=SALT).sign(value)


def capability_read(token: str, *, portal_id: int, code: int) -> UploadCapability | None:
    """The capability if `token` is one, signed here, not expired, for this portal and
    tender; None otherwise (whatever is wrong with it)."""
    if not token or len(token) > 300:
        return None
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=capability_lifetime())
        payload = signing.JSONSerializer().loads(signing.b64_decode(value.encode()))
        capability = UploadCapability(*(int(part) for part in payload))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if capability.portal_id != portal_id or capability.code != code:
        return None
    return capability


def capability_expires_at(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + capability_lifetime()
