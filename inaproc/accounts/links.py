"""Links emailed to an account's owner: set a new password, and "this wasn't me".
Below the services, so that every service that emails the owner can build them."""

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from inaproc.accounts.models import User
from inaproc.accounts.tokens import not_me_token, password_reset_token, staff_invitation_token
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url


def _portal(user: User) -> Portal:
    """The portal whose pages the link leads to: these links are only made for the
    accounts of a portal (platform accounts have no such pages)."""
    if user.portal is None:
        raise ValueError(f"Account {user.pk} belongs to no portal: it has no link to follow.")
    return user.portal


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def password_reset_link(user: User) -> str:
    """A single-use link that lets the owner of `user`'s email set a new password."""
    return portal_absolute_url(
        _portal(user),
        "accounts:password_reset_confirm",
        uidb64=_uid(user),
        token=password_reset_token.make_token(user),
    )


def not_me_link(user: User) -> str:
    return portal_absolute_url(
        _portal(user),
        "accounts:not_me",
        uidb64=_uid(user),
        token=not_me_token.make_token(user),
    )


def staff_invitation_link(user: User) -> str:
    """The invited staff member's single-use link to choose their first password."""
    return portal_absolute_url(
        _portal(user),
        "accounts:staff_invitation_accept",
        uidb64=_uid(user),
        token=staff_invitation_token.make_token(user),
    )
