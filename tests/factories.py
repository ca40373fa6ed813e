"""Test data made through the real services, so tests follow production paths."""

import itertools

from inaproc.accounts.models import Role, User
from inaproc.accounts.services import user_create
from inaproc.portals.models import POLICY_BOUNDS, Portal
from inaproc.portals.services import portal_create

POLICY_FIELDS = {*POLICY_BOUNDS, "captcha_mode", "require_second_factor_for_vendor_admins"}
DEFAULT_PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)


def make_portal(slug: str | None = None, **fields) -> Portal:
    """A portal through `portal_create`; policy fields (e.g. lockout_minutes=30) are
    set afterwards, as a portal administrator would tighten them."""
    n = next(_counter)
    slug = slug or f"portal{n}"
    policy = {name: fields.pop(name) for name in list(fields) if name in POLICY_FIELDS}
    portal = portal_create(
        slug=slug,
        name=fields.pop("name", f"LPSE Uji {slug}"),
        institution=fields.pop("institution", f"Instansi {slug}"),
        **fields,
    )
    if policy:
        for name, value in policy.items():
            setattr(portal, name, value)
        portal.full_clean()
        portal.save()
    return portal


def make_user(
    portal: Portal | None,
    *,
    role: str = Role.VENDOR,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    email: str | None = None,
    notify: bool = False,
    **fields: str,
) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    return user_create(
        portal=portal,
        role=role,
        username=username,
        email=email or f"{username}@example.id",
        password=password,
        notify=notify,
        **fields,
    )


def make_totp_device(user: User):
    """A confirmed authenticator app for `user`, as a finished enrolment leaves it. Made
    directly rather than through `totp_enrolment_confirm`, so that tests counting emails
    or audit rows see only their own; tests of enrolment itself use the service."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=True, tolerance=1, step=30, digits=6
    )


def make_passkey(user: User, n: int = 1):
    """A registered passkey of `user` (the `n`th, for several), as a finished passkey
    registration leaves the row; made directly, like `make_totp_device`."""
    from inaproc.accounts.models import Passkey

    return Passkey.objects.create(
        user=user,
        name=f"Kunci {n}",
        credential_id=f"credential-{user.pk}-{n}".encode(),
        public_key=b"public-key",
        rp_id="testserver",
    )


def make_company_member(user: User, *, role: str = "admin", npwp: str | None = None):
    """Make `user` a member of a new company of its portal with `role`: the bare rows,
    for tests about accounts that only need to know the company role (registration and
    verification have their own builders in tests/vendors/builders.py)."""
    from inaproc.vendors.models import Company, CompanyMember

    n = next(_counter)
    company = Company.objects.create(
        portal=user.portal,
        name=f"PT Uji {n}",
        legal_form="pt",
        npwp=npwp or f"{n:016d}",
        nib=f"{n:013d}",
        province="dki_jakarta",
        city="Jakarta",
        street="Jl. Uji 1",
        postal_code="10110",
        phone="+62215550100",
        email=user.email,
        representative_name="Wakil",
        representative_nik="3171010101900001",
        representative_position="Direktur",
    )
    return CompanyMember.objects.create(company=company, user=user, role=role)
