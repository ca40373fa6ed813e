import pytest
from django.db import transaction

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.audit.services import audit_record
from inaproc.core.http import audit_context
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

AUDIT_URL = "/lpse-a/staf/audit/"


def test_audit_record_keeps_who_what_whom_why_and_where(rf, portal_a, admin_a, vendor_a):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")

    event = audit_record(
        actor=admin_a,
        verb="account.unlocked",
        target=vendor_a,
        portal=portal_a,
        reason="Penyedia menelepon helpdesk",
        payload={"ticket": 12},
        context=audit_context(request),
    )

    event.refresh_from_db()
    assert event.actor == admin_a
    assert event.actor_label == "admin"
    assert event.target_type == "accounts.user"
    assert event.target_id == str(vendor_a.pk)
    assert event.target_label == vendor_a.username
    assert event.reason == "Penyedia menelepon helpdesk"
    assert event.payload == {"ticket": 12}
    assert event.ip_address == "203.0.113.7"


def test_audit_row_rolls_back_with_the_change_it_records(portal_a, vendor_a):
    before = AuditEvent.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, verb="x.y", target=vendor_a, portal=portal_a)
        raise RuntimeError

    assert AuditEvent.objects.count() == before


def test_ip_comes_from_forwarded_for_only_behind_trusted_proxies(rf, settings, portal_a):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9")

    untrusted = audit_record(
        actor=None, verb="a", target=None, portal=portal_a, context=audit_context(request)
    )
    settings.TRUSTED_PROXY_COUNT = 1
    trusted = audit_record(
        actor=None, verb="b", target=None, portal=portal_a, context=audit_context(request)
    )

    assert untrusted.ip_address == "10.0.0.2"
    assert trusted.ip_address == "198.51.100.9"


def test_portal_admin_sees_only_this_portals_events(client, portal_a, portal_b, admin_a):
    audit_record(actor=None, verb="alpha.thing", target=None, portal=portal_a)
    audit_record(actor=None, verb="beta.thing", target=None, portal=portal_b)
    signed_in(admin_a, client=client)

    response = client.get(AUDIT_URL)

    assert response.status_code == 200
    assert "alpha.thing" in response.text
    assert "beta.thing" not in response.text
    assert response.text.count("<h1") == 1


def test_audit_search_filters_events(client, portal_a, admin_a):
    audit_record(actor=None, verb="account.unlocked", target=None, portal=portal_a)
    audit_record(actor=None, verb="vendor.approved", target=None, portal=portal_a)
    signed_in(admin_a, client=client)

    response = client.get(AUDIT_URL, {"q": "unlock"})

    assert "account.unlocked" in response.text
    assert "vendor.approved" not in response.text


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1" * 300])
def test_odd_page_numbers_do_not_break_the_audit_view(client, admin_a, page):
    signed_in(admin_a, client=client)

    assert client.get(AUDIT_URL, {"page": page, "q": "x" * 500}).status_code == 200


def test_anonymous_is_sent_to_login(client, portal_a):
    response = client.get(AUDIT_URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIER, Role.HELPDESK])
def test_staff_without_the_admin_role_is_refused(client, portal_a, role):
    signed_in(make_user(portal_a, role=role, username="bukan-admin"), client=client)

    response = client.get(AUDIT_URL)

    assert response.status_code == 403
    assert response.text.count("<h1") == 1


def test_admin_of_another_portal_gets_nothing(client, portal_a, portal_b):
    signed_in(make_user(portal_b, role=Role.PORTAL_ADMIN, username="admin"), client=client)

    response = client.get(AUDIT_URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")


def test_deactivated_admin_is_refused(client, admin_a):
    signed_in(admin_a, client=client)
    admin_a.is_active = False
    admin_a.save()

    assert client.get(AUDIT_URL).status_code == 302
