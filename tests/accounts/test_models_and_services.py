import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inaproc.accounts.models import Role, User
from inaproc.accounts.usernames import username_normalize
from inaproc.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_password_is_hashed_with_argon2(vendor_a):
    assert vendor_a.password.startswith("argon2$argon2id$")
    assert DEFAULT_PASSWORD not in vendor_a.password


def test_same_username_on_two_portals_is_allowed(portal_a, portal_b):
    first = make_user(portal_a, username="0012345674101000", password="sandi-portal-pertama-01")
    second = make_user(portal_b, username="0012345674101000", password="sandi-portal-kedua-0002")

    assert first.pk != second.pk
    assert first.check_password("sandi-portal-pertama-01")
    assert not second.check_password("sandi-portal-pertama-01")


def test_username_is_unique_per_portal_ignoring_case(portal_a):
    make_user(portal_a, username="Verifikator")

    with pytest.raises(ValidationError) as error:
        make_user(portal_a, username="verifikator")

    assert "username" in error.value.message_dict
    assert User.objects.filter(portal=portal_a).count() == 1


def test_database_enforces_case_insensitive_uniqueness(portal_a):
    user = make_user(portal_a, username="helpdesk")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            portal=portal_a,
            username="HELPDESK",
            email="x@example.id",
            role=Role.HELPDESK,
            password=user.password,
        )


def test_operator_belongs_to_the_platform_and_others_to_a_portal(portal_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(portal=None, username="nobody", email="n@example.id", role=Role.VENDOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            portal=portal_a, username="op", email="o@example.id", role=Role.OPERATOR
        )


@pytest.mark.parametrize(
    "password",
    ["pendek-sekali", "1q2w3e4r5t6y7u8i9o0p", "a" * 129],
    ids=["too-short", "too-common", "too-long"],
)
def test_password_policy_is_enforced_on_create(portal_a, password):
    with pytest.raises(ValidationError) as error:
        make_user(portal_a, username="budi", password=password)

    assert "password" in error.value.message_dict
    assert not User.objects.filter(portal=portal_a, username="budi").exists()


def test_password_similar_to_username_is_refused(portal_a):
    with pytest.raises(ValidationError):
        make_user(portal_a, username="verifikator-kota", password="verifikator-kota1")


def test_portal_may_require_longer_passwords(portal_a):
    portal_a.password_min_length = 20
    portal_a.save()
    nineteen = "kereta-api-ke-bogor"
    twenty = "kereta-api-ke-bogor!"
    assert (len(nineteen), len(twenty)) == (19, 20)

    with pytest.raises(ValidationError) as error:
        make_user(portal_a, username="budi", password=nineteen)
    accepted = make_user(portal_a, username="budi", password=twenty)

    assert "20" in " ".join(error.value.message_dict["password"])
    assert accepted.check_password(twenty)


def test_account_creation_is_audited(portal_a):
    user = make_user(portal_a, role=Role.VERIFIER, username="siti")

    event = AuditEvent.objects.get(verb="account.created")
    assert event.portal == portal_a
    assert event.target_id == str(user.pk)
    assert event.payload == {"role": "verifier", "username": "siti"}
    assert event.actor is None
    assert event.actor_label == "system"


def test_invalid_email_is_refused(portal_a):
    with pytest.raises(ValidationError) as error:
        make_user(portal_a, email="bukan-email")

    assert "email" in error.value.message_dict


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01.234.567.4-101.000", "0012345674101000"),
        ("012345674101000", "0012345674101000"),
        (" 0012345674101000 ", "0012345674101000"),
        ("0012.3456-7410.1000", "0012345674101000"),
        ("Verifikator", "Verifikator"),
        ("siti.rahma", "siti.rahma"),
        ("...", "..."),
    ],
)
def test_username_normalize_accepts_npwp_in_any_common_form(typed, stored):
    assert username_normalize(typed) == stored


def test_password_resembling_the_portal_name_is_refused(db):
    from tests.factories import make_portal

    portal = make_portal("kemenkeu", name="LPSE Kementerian Keuangan")

    with pytest.raises(ValidationError) as error:
        make_user(portal, username="budi", password="lpse kementerian keuangan")

    assert "password" in error.value.message_dict


def test_password_resembling_the_full_name_is_refused(portal_a):
    with pytest.raises(ValidationError):
        make_user(
            portal_a,
            username="budi",
            full_name="PT Maju Bersama Konstruksi",
            password="pt maju bersama konstruksi",
        )


def test_createsuperuser_makes_an_audited_operator_under_the_password_policy(db):
    with pytest.raises(ValidationError):
        User.objects.create_superuser("root", "root@example.id", "pendek")
    with pytest.raises(ValueError, match="create_staff"):
        User.objects.create_superuser("root", "root@example.id", None)

    user = User.objects.create_superuser("root", "root@example.id", DEFAULT_PASSWORD)

    assert (user.portal, user.role, user.is_superuser) == (None, Role.OPERATOR, True)
    assert AuditEvent.objects.filter(verb="account.created", target_id=str(user.pk)).exists()
