"""Two verifiers deciding the same registration at the same moment, on PostgreSQL: the row
lock lets exactly one decision through; the other sees the registration decided. The same
lock keeps two clicks on a confirmation link, or two requests for a new link, in order."""

import pytest

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.models import EventKind, Registration, RegistrationEvent, RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import (
    ConfirmOutcome,
    confirmation_resend,
    registration_confirm_email,
)
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
    registration_reject,
    registration_request_changes,
)
from inaproc.vendors.review import ReviewConflict
from tests import helpers
from tests.factories import make_portal, make_user
from tests.helpers import POSTGRESQL_CONCURRENT
from tests.vendors.builders import confirmation_token_of, register, register_submitted

pytestmark = POSTGRESQL_CONCURRENT

CONFIRM_TEMPLATE = "vendors/email/registration_confirm"
DECISION_KINDS = (EventKind.APPROVED, EventKind.REJECTED, EventKind.CHANGES_REQUESTED)
DECISION_TEMPLATES = (
    "vendors/email/registration_approved",
    "vendors/email/registration_rejected",
    "vendors/email/registration_changes_requested",
)


def all_at_once(calls):
    """The calls at once; a ReviewConflict is returned, not raised."""
    return helpers.all_at_once(calls, refusals=(ReviewConflict,))


@pytest.fixture
def setting():
    portal = make_portal("lpse-konkuren-verifikasi")
    first = make_user(portal, role=Role.VERIFIER, username="verifikator-satu")
    second = make_user(portal, role=Role.VERIFIER, username="verifikator-dua")
    return portal, first, second, register_submitted(portal)


def test_two_verifiers_approving_at_once_approve_once(setting):
    portal, first, second, registration = setting

    results = all_at_once(
        [
            lambda verifier=verifier: registration_approve(
                registration_id=registration.pk, portal=portal, verifier=verifier
            )
            for verifier in (first, second)
        ]
    )

    winners = [r for r in results if isinstance(r, Registration)]
    conflicts = [r for r in results if isinstance(r, ReviewConflict)]
    assert (len(winners), len(conflicts)) == (1, 1)
    assert conflicts[0].subject.status == RegistrationStatus.APPROVED
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.decided_by == winners[0].decided_by
    assert RegistrationEvent.objects.filter(kind=EventKind.APPROVED).count() == 1
    assert AuditEvent.objects.filter(verb="registration.approved").count() == 1
    assert Email.objects.filter(template="vendors/email/registration_approved").count() == 1


def test_different_decisions_at_once_leave_exactly_one(setting):
    portal, first, second, registration = setting
    common = {"registration_id": registration.pk, "portal": portal}

    results = all_at_once(
        [
            lambda: registration_reject(**common, verifier=first, reason="Dokumen palsu"),
            lambda: registration_request_changes(
                **common, verifier=second, notes={"nib": "NIB tidak terbaca"}
            ),
        ]
    )

    winners = [r for r in results if isinstance(r, Registration)]
    assert len(winners) == 1
    assert sum(isinstance(r, ReviewConflict) for r in results) == 1
    registration.refresh_from_db()
    assert registration.status == winners[0].status
    assert registration.status in (
        RegistrationStatus.REJECTED,
        RegistrationStatus.CHANGES_REQUESTED,
    )
    assert RegistrationEvent.objects.filter(kind__in=DECISION_KINDS).count() == 1
    assert (
        AuditEvent.objects.filter(
            verb__in=["registration.rejected", "registration.changes_requested"]
        ).count()
        == 1
    )
    assert Email.objects.filter(template__in=DECISION_TEMPLATES).count() == 1


def test_two_clicks_on_the_confirmation_link_at_once_confirm_once():
    portal = make_portal("lpse-konkuren-konfirmasi")
    registration = register(portal)
    token = confirmation_token_of(Email.objects.get(template=CONFIRM_TEMPLATE).body)

    results = all_at_once(
        [lambda: registration_confirm_email(portal=portal, token=token) for _ in range(2)]
    )

    assert sorted(outcome for outcome, _registration in results) == [
        ConfirmOutcome.ALREADY_CONFIRMED,
        ConfirmOutcome.CONFIRMED,
    ]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert RegistrationEvent.objects.filter(kind=EventKind.EMAIL_CONFIRMED).count() == 1
    assert AuditEvent.objects.filter(verb="registration.email_confirmed").count() == 1


def test_two_requests_for_a_new_link_at_once_respect_the_hourly_limit(settings):
    settings.REGISTRATION_CONFIRMATIONS_PER_HOUR = 2
    portal = make_portal("lpse-konkuren-kirim-ulang")
    registration = register(portal)

    waits = all_at_once(
        [lambda: confirmation_resend(registration_id=registration.pk) for _ in range(2)]
    )

    assert sorted(waits)[0] == 0
    assert 0 < sorted(waits)[1] <= 3601  # until the first link is an hour old
    assert Email.objects.filter(template=CONFIRM_TEMPLATE).count() == 2
    assert RegistrationEvent.objects.filter(kind=EventKind.CONFIRMATION_SENT).count() == 2
