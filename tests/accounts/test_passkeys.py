"""Passkeys (WebAuthn): registration, the second step, step-up, sign-in without a
password, removal, and the isolation of a passkey to its portal and host.

The browser's side is played by `FakeAuthenticator`: an EC P-256 key, the authenticator
data layout of the WebAuthn spec and a "none" attestation, so the responses go through
py_webauthn's real verification."""

import hashlib
import json
import secrets
import struct
from datetime import timedelta

import cbor2
import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn.helpers import bytes_to_base64url

from inaproc.accounts.models import (
    LoginAttempt,
    LoginMethod,
    LoginOutcome,
    Passkey,
    Role,
)
from inaproc.accounts.services.factors import recovery_codes_generate
from inaproc.accounts.services.passkeys import passkey_user_handle
from inaproc.accounts.services.signin import failure_register
from inaproc.audit.models import AuditEvent
from inaproc.core.context import ClientInfo
from inaproc.notifications.models import Email
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_post, session_of, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ORIGIN = "http://testserver"
FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return bytes_to_base64url(data)


class FakeAuthenticator:
    """A platform authenticator holding one discoverable credential."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.sign_count = 0
        self.user_handle: str | None = None

    def cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def create(self, options: dict, *, origin: str = ORIGIN, rp_id: str | None = None) -> dict:
        """navigator.credentials.create(), answered as PublicKeyCredential.toJSON()."""
        self.user_handle = options["user"]["id"]
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256((rp_id or options["rp"]["id"]).encode()).digest()
            + bytes([FLAG_UP | FLAG_UV | FLAG_AT])
            + struct.pack(">I", self.sign_count)
            + bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self.cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(
        self,
        options: dict,
        *,
        origin: str = ORIGIN,
        rp_id: str | None = None,
        flags: int = FLAG_UP | FLAG_UV,
        sign_count: int | None = None,
    ) -> dict:
        """navigator.credentials.get(), answered as PublicKeyCredential.toJSON()."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = (
            hashlib.sha256((rp_id or options["rpId"]).encode()).digest()
            + bytes([flags])
            + struct.pack(">I", self.sign_count)
        )
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": self.user_handle,
            },
        }

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()


# --- Helpers ------------------------------------------------------------------------------


def url(slug: str, name: str) -> str:
    return {
        "register_options": f"/{slug}/akun/faktor-kedua/passkey/opsi/",
        "register": f"/{slug}/akun/faktor-kedua/passkey/",
        "login_options": f"/{slug}/masuk/passkey/opsi/",
        "login": f"/{slug}/masuk/passkey/",
        "dashboard": f"/{slug}/dasbor/",
        "factors": f"/{slug}/akun/faktor-kedua/",
        "second_factor": f"/{slug}/masuk/faktor-kedua/",
    }[name]


def post_json(client: Client, path: str, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(path, body, content_type="application/json", **extra)


def register(client: Client, slug: str, authenticator: FakeAuthenticator, name="Laptop"):
    options = post_json(client, url(slug, "register_options"), {})
    assert options.status_code == 200, options.content
    credential = authenticator.create(options.json()["options"])
    return post_json(client, url(slug, "register"), {"name": name, "credential": credential})


def with_passkey(user, slug: str) -> FakeAuthenticator:
    """`user` gets a passkey through the real endpoints."""
    authenticator = FakeAuthenticator()
    response = register(signed_in(user, second_factor=False, checked=True), slug, authenticator)
    assert response.status_code == 200, response.content
    return authenticator


def login_options(client: Client, slug: str, purpose: str = "login", **extra):
    return post_json(client, url(slug, "login_options"), {"purpose": purpose}, **extra)


def passkey_login(client, slug, authenticator, *, purpose="login", extra=None, **get_kwargs):
    options = login_options(client, slug, purpose)
    assert options.status_code == 200, options.content
    credential = authenticator.get(options.json()["options"], **get_kwargs)
    return post_json(
        client,
        url(slug, "login"),
        {"purpose": purpose, "credential": credential, **(extra or {})},
    )


def is_signed_in(client: Client, slug: str) -> bool:
    return client.get(url(slug, "dashboard")).status_code == 200


@pytest.fixture
def vendor(portal_a):
    return make_user(portal_a, username="vendor1", full_name="PT Satu")


# --- Registration ---------------------------------------------------------------------------


def test_registration_options_name_the_host_and_an_opaque_user(portal_a, vendor):
    client = signed_in(vendor, second_factor=False)

    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]

    assert options["rp"] == {"id": "testserver", "name": "LPSE Alpha"}
    assert options["user"]["name"] == "vendor1"
    assert options["user"]["id"] == b64(passkey_user_handle(vendor))
    assert "vendor1" not in options["user"]["id"]
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["excludeCredentials"] == []


def test_registration_options_exclude_the_users_passkeys(portal_a, vendor):
    first = with_passkey(vendor, "lpse-a")
    client = signed_in(vendor, second_factor=False, checked=True)

    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]

    assert [c["id"] for c in options["excludeCredentials"]] == [b64(first.credential_id)]


def test_user_handle_differs_between_portals_for_the_same_person(portal_a, portal_b):
    one = make_user(portal_a, username="same")
    two = make_user(portal_b, username="same")

    assert passkey_user_handle(one) != passkey_user_handle(two)
    assert passkey_user_handle(one) == passkey_user_handle(one)


def test_valid_registration_stores_the_passkey_and_tells_the_owner(portal_a, vendor):
    client = signed_in(vendor, second_factor=False)
    authenticator = FakeAuthenticator()

    response = register(client, "lpse-a", authenticator, name="  Work   laptop ")

    assert response.status_code == 200
    # A first factor: on to the recovery codes that stand in for it.
    assert response.json() == {"redirect": "/lpse-a/akun/faktor-kedua/kode-pemulihan/"}
    passkey = Passkey.objects.get(user=vendor)
    assert passkey.name == "Work laptop"
    assert bytes(passkey.credential_id) == authenticator.credential_id
    assert passkey.rp_id == "testserver"
    assert passkey.sign_count == 0
    assert passkey.transports == ["internal", "hybrid"]
    event = AuditEvent.objects.get(verb="second_factor.added")
    assert event.actor == vendor
    assert event.payload == {"kind": "passkey", "name": "Work laptop"}
    email = Email.objects.get(to=vendor.email)
    assert email.subject == "A second factor was added to your account"
    assert 'passkey "Work laptop"' in email.body


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [("http://evil.example", None), ("https://testserver", None), (ORIGIN, "evil.example")],
)
def test_registration_from_another_origin_or_for_another_host_is_refused(
    portal_a, vendor, origin, rp_id
):
    client = signed_in(vendor, second_factor=False)
    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]
    credential = FakeAuthenticator().create(options, origin=origin, rp_id=rp_id)

    response = post_json(
        client, url("lpse-a", "register"), {"name": "Laptop", "credential": credential}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "The passkey could not be added. Try again."}
    assert not Passkey.objects.exists()
    assert not Email.objects.exists()


def test_registration_with_another_challenge_is_refused(portal_a, vendor):
    client = signed_in(vendor, second_factor=False)
    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]
    credential = FakeAuthenticator().create({**options, "challenge": b64(b"x" * 32)})

    response = post_json(
        client, url("lpse-a", "register"), {"name": "Laptop", "credential": credential}
    )

    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_a_registration_challenge_is_used_once(portal_a, vendor):
    client = signed_in(vendor, second_factor=False)
    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]
    data = {"name": "Laptop", "credential": FakeAuthenticator().create(options)}
    assert post_json(client, url("lpse-a", "register"), data).status_code == 200

    replay = post_json(client, url("lpse-a", "register"), data)

    assert replay.status_code == 400
    assert replay.json() == {"error": "The passkey request is no longer valid. Try again."}
    assert Passkey.objects.count() == 1


def test_a_registration_challenge_expires_after_five_minutes(portal_a, vendor):
    client = signed_in(vendor, second_factor=False)
    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]
    data = {"name": "Laptop", "credential": FakeAuthenticator().create(options)}

    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        response = post_json(client, url("lpse-a", "register"), data)

    assert response.status_code == 400
    assert not Passkey.objects.exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [("", "Give the passkey a name."), ("x" * 101, "Use at most 100 characters for the name.")],
)
def test_a_passkey_needs_a_name_of_at_most_100_characters(portal_a, vendor, name, error):
    client = signed_in(vendor, second_factor=False)
    options = post_json(client, url("lpse-a", "register_options"), {}).json()["options"]
    data = {"name": name, "credential": FakeAuthenticator().create(options)}

    response = post_json(client, url("lpse-a", "register"), data)

    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert not Passkey.objects.exists()


def test_a_further_passkey_leads_back_to_the_factors_page(portal_a, vendor):
    with_passkey(vendor, "lpse-a")
    recovery_codes_generate(user=vendor)

    response = register(
        signed_in(vendor, second_factor=False, checked=True),
        "lpse-a",
        FakeAuthenticator(),
        name="Phone",
    )

    assert response.json() == {"redirect": url("lpse-a", "factors")}
    assert list(Passkey.objects.values_list("name", flat=True)) == ["Laptop", "Phone"]


def test_the_factors_page_lists_passkeys_and_offers_to_add_one(portal_a, vendor):
    with_passkey(vendor, "lpse-a")

    page = (
        signed_in(vendor, second_factor=False, checked=True)
        .get(url("lpse-a", "factors"))
        .content.decode()
    )

    assert "Laptop" in page
    assert f'action="/lpse-a/akun/faktor-kedua/passkey/{Passkey.objects.get().pk}/hapus/"' in page
    assert 'data-register-url="/lpse-a/akun/faktor-kedua/passkey/"' in page
    assert "Add a passkey" in page


def test_the_same_credential_cannot_be_registered_twice(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = signed_in(vendor, second_factor=False, checked=True)

    response = register(client, "lpse-a", authenticator)

    assert response.status_code == 400
    assert response.json() == {"error": "This passkey is already registered."}
    assert Passkey.objects.count() == 1


def test_adding_a_passkey_with_a_factor_asks_for_a_fresh_check(portal_a, vendor):
    with_passkey(vendor, "lpse-a")
    client = signed_in(
        vendor, second_factor=False
    )  # a session without a recent second-factor check

    response = post_json(client, url("lpse-a", "register_options"), {})

    assert response.status_code == 403
    assert response.json()["redirect"] == (
        "/lpse-a/akun/konfirmasi-faktor/?next=%2Flpse-a%2Fakun%2Ffaktor-kedua%2F"
    )
    assert "inaproc_passkey_challenge" not in client.session


def test_a_staff_member_without_a_factor_can_add_a_passkey_during_enrolment(portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verifier")
    client = signed_in(verifier, second_factor=False)
    assert client.get(url("lpse-a", "dashboard")).status_code == 302  # enrolment first

    response = register(client, "lpse-a", FakeAuthenticator())

    assert response.status_code == 200
    assert Passkey.objects.filter(user=verifier).exists()
    assert client.get(url("lpse-a", "dashboard")).status_code == 200


def test_registration_needs_a_signed_in_user(portal_a):
    response = post_json(Client(), url("lpse-a", "register_options"), {})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")


# --- Sign-in without a password -------------------------------------------------------------


def test_login_options_let_the_browser_offer_its_passkeys_and_require_verification(
    portal_a,
):
    options = login_options(Client(), "lpse-a").json()["options"]

    assert options["rpId"] == "testserver"
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"


def test_a_passkey_alone_signs_in_without_password_or_captcha(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()

    response = passkey_login(client, "lpse-a", authenticator, extra={"next": "/lpse-a/akun/sesi/"})

    assert response.status_code == 200
    assert response.json() == {"redirect": "/lpse-a/akun/sesi/"}
    assert is_signed_in(client, "lpse-a")
    assert session_of(client).second_factor_at is not None
    attempt = LoginAttempt.objects.get(outcome=LoginOutcome.SUCCESS)
    assert (attempt.user, attempt.method) == (vendor, LoginMethod.PASSKEY)
    passkey = Passkey.objects.get()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None


def test_passkey_sign_in_ignores_a_next_url_outside_the_portal(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")

    response = passkey_login(
        Client(), "lpse-a", authenticator, extra={"next": "https://evil.example/"}
    )

    assert response.json() == {"redirect": "/lpse-a/dasbor/"}


def test_a_staff_member_with_only_a_passkey_signs_in_with_it(portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verifier")
    authenticator = with_passkey(verifier, "lpse-a")
    client = Client()

    assert passkey_login(client, "lpse-a", authenticator).status_code == 200
    assert is_signed_in(client, "lpse-a")


def test_passkey_sign_in_without_user_verification_is_refused(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()

    response = passkey_login(client, "lpse-a", authenticator, flags=FLAG_UP)

    assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")


def test_a_passkey_of_portal_a_is_refused_on_portal_b(portal_a, portal_b, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()

    response = passkey_login(client, "lpse-b", authenticator)

    assert response.status_code == 400
    assert response.json()["error"].startswith("This passkey was not accepted.")
    assert not is_signed_in(client, "lpse-b")
    assert not is_signed_in(client, "lpse-a")
    attempt = LoginAttempt.objects.get(portal=portal_b)
    assert (attempt.outcome, attempt.method, attempt.user) == (
        LoginOutcome.WRONG_CREDENTIALS,
        LoginMethod.PASSKEY,
        None,
    )


def test_a_passkey_registered_for_one_host_is_refused_on_another(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client(HTTP_HOST="lpse.other.example")

    # Whether the browser signs for the old host or (it would not) for the new one.
    for rp_id in ("testserver", "lpse.other.example"):
        response = passkey_login(
            client, "lpse-a", authenticator, origin="http://lpse.other.example", rp_id=rp_id
        )
        assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")


def test_an_assertion_from_another_origin_is_refused(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()

    response = passkey_login(client, "lpse-a", authenticator, origin="http://evil.example")

    assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")
    assert LoginAttempt.objects.get().outcome == LoginOutcome.WRONG_CREDENTIALS


def test_a_sign_count_that_does_not_increase_is_refused(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    assert passkey_login(Client(), "lpse-a", authenticator, sign_count=5).status_code == 200
    client = Client()

    response = passkey_login(client, "lpse-a", authenticator, sign_count=5)

    assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")
    assert Passkey.objects.get().sign_count == 5


def test_a_login_challenge_is_used_once(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()
    options = login_options(client, "lpse-a").json()["options"]
    data = {"purpose": "login", "credential": authenticator.get(options)}
    assert post_json(client, url("lpse-a", "login"), data).status_code == 200

    replay = post_json(Client(), url("lpse-a", "login"), data)  # another browser
    replay_here = post_json(client, url("lpse-a", "login"), data)  # the same one

    for response in (replay, replay_here):
        assert response.status_code == 400
        assert response.json() == {"error": "The passkey request is no longer valid. Try again."}
    assert LoginAttempt.objects.filter(outcome=LoginOutcome.SUCCESS).count() == 1


def test_an_assertion_for_another_challenge_is_refused(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()
    login_options(client, "lpse-a")
    credential = authenticator.get({"challenge": b64(b"y" * 32), "rpId": "testserver"})

    response = post_json(
        client, url("lpse-a", "login"), {"purpose": "login", "credential": credential}
    )

    assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")


def test_an_expired_login_challenge_is_refused(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()
    options = login_options(client, "lpse-a").json()["options"]
    data = {"purpose": "login", "credential": authenticator.get(options)}

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = post_json(client, url("lpse-a", "login"), data)

    assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")


def test_a_locked_account_stays_locked_for_passkeys(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client_info = ClientInfo("10.0.0.9", "", "", "")
    for _ in range(portal_a.login_failure_limit):
        failure_register(portal=portal_a, username=vendor.username, client=client_info)
    client = Client()

    response = passkey_login(client, "lpse-a", authenticator)

    assert response.status_code == 400
    assert "temporarily locked" in response.json()["error"]
    assert not is_signed_in(client, "lpse-a")


def test_refused_assertions_of_a_known_passkey_count_towards_its_lock(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = Client()

    for _ in range(portal_a.login_failure_limit):
        passkey_login(client, "lpse-a", authenticator, origin="http://evil.example")
    response = passkey_login(client, "lpse-a", authenticator)

    assert "temporarily locked" in response.json()["error"]
    assert not is_signed_in(client, "lpse-a")


def test_an_inactive_account_cannot_sign_in_with_its_passkey(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    vendor.is_active = False
    vendor.save()
    client = Client()

    response = passkey_login(client, "lpse-a", authenticator)

    assert response.status_code == 400
    assert response.json()["error"].startswith("This passkey was not accepted.")
    assert not is_signed_in(client, "lpse-a")


# --- The second step of signing in --------------------------------------------------------


def password_step(user, slug: str = "lpse-a") -> Client:
    client = Client()
    response = login_post(client, slug, user.username, DEFAULT_PASSWORD)
    assert response.headers["Location"] == url(slug, "second_factor")
    return client


def test_second_factor_options_allow_only_the_pending_users_passkeys(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    with_passkey(make_user(portal_a, username="other"), "lpse-a")
    client = password_step(vendor)

    options = login_options(client, "lpse-a", "second_factor").json()["options"]

    assert [c["id"] for c in options["allowCredentials"]] == [b64(authenticator.credential_id)]
    assert options["userVerification"] == "preferred"


def test_a_passkey_completes_the_pending_sign_in(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = password_step(vendor)

    response = passkey_login(client, "lpse-a", authenticator, purpose="second_factor")

    assert response.json() == {"redirect": "/lpse-a/dasbor/"}
    assert is_signed_in(client, "lpse-a")
    assert session_of(client).second_factor_at is not None


def test_remember_this_browser_works_with_a_passkey_where_allowed(portal_a, vendor):
    portal_a.remember_browser_for_vendors = True
    portal_a.save()
    authenticator = with_passkey(vendor, "lpse-a")
    client = password_step(vendor)

    response = passkey_login(
        client, "lpse-a", authenticator, purpose="second_factor", extra={"remember": True}
    )

    assert response.status_code == 200
    assert f"inaproc_remember_{portal_a.pk}" in response.cookies


def test_another_users_passkey_does_not_complete_the_pending_sign_in(portal_a, vendor):
    with_passkey(vendor, "lpse-a")
    intruder = make_user(portal_a, username="intruder")
    intruders_key = with_passkey(intruder, "lpse-a")
    client = password_step(vendor)
    options = login_options(client, "lpse-a", "second_factor").json()["options"]

    response = post_json(
        client,
        url("lpse-a", "login"),
        {"purpose": "second_factor", "credential": intruders_key.get(options)},
    )

    assert response.status_code == 400
    assert not is_signed_in(client, "lpse-a")
    failure = LoginAttempt.objects.get(outcome=LoginOutcome.WRONG_CREDENTIALS)
    assert (failure.user, failure.method) == (vendor, LoginMethod.PASSKEY)


def test_a_passkey_second_step_needs_a_pending_sign_in(portal_a, vendor):
    with_passkey(vendor, "lpse-a")

    response = login_options(Client(), "lpse-a", "second_factor")

    assert response.status_code == 400
    assert response.json()["redirect"] == "/lpse-a/masuk/"


def test_refused_second_steps_lock_the_account(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = password_step(vendor)

    for _ in range(portal_a.login_failure_limit - 1):
        response = passkey_login(
            client, "lpse-a", authenticator, purpose="second_factor", origin="http://evil.example"
        )
        assert response.status_code == 400
    response = passkey_login(
        client, "lpse-a", authenticator, purpose="second_factor", origin="http://evil.example"
    )

    assert "temporarily locked" in response.json()["error"]
    assert response.json()["redirect"] == "/lpse-a/masuk/"
    assert client.get(url("lpse-a", "second_factor")).headers["Location"] == "/lpse-a/masuk/"


def test_second_factor_page_offers_a_passkey_only_to_accounts_with_one(portal_a, vendor):
    TOTPDevice.objects.create(user=vendor, name="app", confirmed=True)
    client = password_step(vendor)
    assert b"data-passkey-login" not in client.get(url("lpse-a", "second_factor")).content

    with_passkey(vendor, "lpse-a")
    page = password_step(vendor).get(url("lpse-a", "second_factor")).content.decode()

    assert 'data-purpose="second_factor"' in page
    assert "Use a passkey" in page
    assert "js/passkeys.js" in page


# --- Step-up ----------------------------------------------------------------------------------


def test_a_passkey_confirms_a_sensitive_action(portal_a, vendor):
    authenticator = with_passkey(vendor, "lpse-a")
    client = signed_in(vendor, second_factor=False)
    assert session_of(client).second_factor_at is None
    assert client.get("/lpse-a/akun/kata-sandi/").status_code == 302  # step-up first

    response = passkey_login(
        client,
        "lpse-a",
        authenticator,
        purpose="step_up",
        extra={"next": "/lpse-a/akun/kata-sandi/"},
    )

    assert response.json() == {"redirect": "/lpse-a/akun/kata-sandi/"}
    assert session_of(client).second_factor_at is not None
    assert client.get("/lpse-a/akun/kata-sandi/").status_code == 200


def test_step_up_with_another_users_passkey_is_refused(portal_a, vendor):
    with_passkey(vendor, "lpse-a")
    other_key = with_passkey(make_user(portal_a, username="other"), "lpse-a")
    client = signed_in(vendor, second_factor=False)
    options = login_options(client, "lpse-a", "step_up").json()["options"]

    response = post_json(
        client,
        url("lpse-a", "login"),
        {"purpose": "step_up", "credential": other_key.get(options)},
    )

    assert response.status_code == 400
    assert session_of(client).second_factor_at is None


def test_step_up_needs_a_signed_in_user(portal_a):
    assert login_options(Client(), "lpse-a", "step_up").status_code == 403


# --- Removal ----------------------------------------------------------------------------------


def remove_url(passkey: Passkey, slug: str = "lpse-a") -> str:
    return f"/{slug}/akun/faktor-kedua/passkey/{passkey.pk}/hapus/"


def test_the_owner_removes_a_passkey_after_a_fresh_check(portal_a, vendor):
    with_passkey(vendor, "lpse-a")
    passkey = Passkey.objects.get()
    Email.objects.all().delete()

    response = signed_in(vendor, second_factor=False, checked=True).post(remove_url(passkey))

    assert response.headers["Location"] == url("lpse-a", "factors")
    assert not Passkey.objects.exists()
    event = AuditEvent.objects.get(verb="second_factor.removed")
    assert event.payload == {"kind": "passkey", "name": "Laptop"}
    assert Email.objects.get(to=vendor.email).subject == (
        "A second factor was removed from your account"
    )


def test_removing_a_passkey_without_a_fresh_check_asks_for_one(portal_a, vendor):
    with_passkey(vendor, "lpse-a")
    passkey = Passkey.objects.get()

    response = signed_in(vendor, second_factor=False).post(remove_url(passkey))

    assert response.headers["Location"].startswith("/lpse-a/akun/konfirmasi-faktor/?next=")
    assert Passkey.objects.exists()


def test_a_staff_members_only_factor_cannot_be_removed(portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verifier")
    with_passkey(verifier, "lpse-a")
    passkey = Passkey.objects.get()

    response = signed_in(verifier, second_factor=False, checked=True).post(remove_url(passkey))

    assert response.headers["Location"] == url("lpse-a", "factors")
    assert Passkey.objects.exists()
    # With a second one, the first can go.
    with_passkey(verifier, "lpse-a")
    signed_in(verifier, second_factor=False, checked=True).post(remove_url(passkey))
    assert Passkey.objects.count() == 1


def test_nobody_else_removes_a_passkey(portal_a, portal_b, vendor):
    with_passkey(vendor, "lpse-a")
    passkey = Passkey.objects.get()
    other = make_user(portal_a, username="other")
    elsewhere = make_user(portal_b, username="vendor1")
    Email.objects.all().delete()

    assert (
        signed_in(other, second_factor=False, checked=True).post(remove_url(passkey)).status_code
        == 404
    )
    assert (
        signed_in(elsewhere, second_factor=False, checked=True)
        .post(remove_url(passkey, "lpse-b"))
        .status_code
        == 404
    )
    assert Client().post(remove_url(passkey)).status_code == 302  # to the login page
    assert (
        signed_in(vendor, second_factor=False, checked=True).get(remove_url(passkey)).status_code
        == 405
    )
    assert Passkey.objects.exists()
    assert not AuditEvent.objects.filter(verb="second_factor.removed").exists()
    assert not Email.objects.exists()


# --- No 500 for garbage ---------------------------------------------------------------------


GARBAGE_BODIES = [
    b"",
    b"not json",
    b"\xff\xfe",
    b"[]",
    b"null",
    b'"text"',
    b"{}",
    b'{"purpose": 1}',
    b'{"purpose": ["login"]}',
    b'{"purpose": "other"}',
    b'{"purpose": "login", "credential": null}',
    b'{"purpose": "login", "credential": "x"}',
    b'{"purpose": "login", "credential": []}',
    b'{"purpose": "login", "credential": {}}',
    b'{"purpose": "login", "credential": {"id": "!!", "rawId": "!!", "type": "public-key",'
    b' "response": {"clientDataJSON": "!!", "authenticatorData": "@", "signature": "#",'
    b' "userHandle": "%%"}}}',
    b'{"purpose": "login", "credential": {"id": "AA", "rawId": "AA", "type": "public-key",'
    b' "response": {"clientDataJSON": "AA", "authenticatorData": "AA", "signature": "AA",'
    b' "userHandle": 5}}}',
    b'{"purpose": "second_factor", "credential": {}}',
    b'{"purpose": "step_up", "credential": {}}',
    b'{"name": 5, "credential": {"id": 1}}',
    b'{"name": "x", "credential": {"id": "AA", "rawId": "AA", "type": "public-key",'
    b' "response": {"clientDataJSON": "AA", "attestationObject": "AA"}}}',
]


@pytest.mark.parametrize("body", GARBAGE_BODIES)
def test_garbage_never_causes_a_server_error(portal_a, vendor, body):
    authenticator = with_passkey(vendor, "lpse-a")
    anonymous, signed_in_browser = Client(), signed_in(vendor, second_factor=False, checked=True)
    login_options(anonymous, "lpse-a")
    post_json(signed_in_browser, url("lpse-a", "register_options"), {})

    for client in (anonymous, signed_in_browser):
        for name in ("register_options", "register", "login_options", "login"):
            response = post_json(client, url("lpse-a", name), body)
            assert 400 <= response.status_code < 500 or response.status_code in (200, 302)
            if response.status_code == 200:  # options (or "signed in already") for a purpose
                assert {"options", "redirect"} & set(response.json())

    # A real assertion with the credential's user handle swapped is refused too.
    options = login_options(anonymous, "lpse-a").json()["options"]
    credential = authenticator.get(options)
    credential["response"]["userHandle"] = b64(b"someone else")
    response = post_json(
        anonymous, url("lpse-a", "login"), {"purpose": "login", "credential": credential}
    )
    assert response.status_code == 400


def test_options_endpoints_refuse_get(portal_a):
    assert Client().get(url("lpse-a", "login_options")).status_code == 405
    assert Client().get(url("lpse-a", "login")).status_code == 405


def test_login_page_offers_a_passkey_sign_in(portal_a):
    page = Client().get("/lpse-a/masuk/").content.decode()

    assert "Sign in with a passkey" in page
    assert 'data-purpose="login"' in page
    assert 'data-options-url="/lpse-a/masuk/passkey/opsi/"' in page
    assert "<script>" not in page  # no inline script (CSP)


def test_the_endpoints_need_the_csrf_token(portal_a, vendor):
    anonymous = Client(enforce_csrf_checks=True)
    signed_in_browser = signed_in(vendor, enforce_csrf_checks=True)

    assert login_options(anonymous, "lpse-a").status_code == 403
    assert post_json(anonymous, url("lpse-a", "login"), {"purpose": "login"}).status_code == 403
    assert post_json(signed_in_browser, url("lpse-a", "register_options"), {}).status_code == 403
    assert post_json(signed_in_browser, url("lpse-a", "register"), {}).status_code == 403


def test_step_up_page_offers_the_passkey(portal_a, vendor):
    with_passkey(vendor, "lpse-a")

    page = signed_in(vendor, second_factor=False).get(
        "/lpse-a/akun/konfirmasi-faktor/?next=/lpse-a/akun/sesi/"
    )

    content = page.content.decode()
    assert 'data-purpose="step_up"' in content
    assert 'data-next="/lpse-a/akun/sesi/"' in content
