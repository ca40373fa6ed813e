"""The one review workflow (`inaproc.vendors.review`) behind registration and change
decisions: the change request's state machine, the shared ReviewConflict, the helper's
all-or-nothing transaction, the one conflict message (English and Indonesian) and the
state-only migration."""

from importlib import import_module

import pytest
import time_machine
from django.db import migrations, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, FSMField, TransitionNotAllowed

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.changes import (
    change_request_approve,
    change_request_reject,
    change_request_withdraw,
)
from inaproc.vendors.models import (
    ChangeRequest,
    ChangeRequestStatus,
    EventKind,
    Registration,
    RegistrationStatus,
)
from inaproc.vendors.registrations.services.verification import registration_approve
from inaproc.vendors.registrations.views.review import conflict_message
from inaproc.vendors.review import Decision, ReviewConflict, review_decide
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.builders import register, register_submitted
from tests.vendors.change_builders import NEW_NAME, submit_change

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


@pytest.fixture
def verifier(portal_a):
    return make_user(portal_a, role=Role.VERIFIER, full_name="Vera Verif")


@pytest.fixture
def change(registration):
    return submit_change(registration, name=NEW_NAME)


def change_in(status: str, change: ChangeRequest, verifier) -> ChangeRequest:
    """`change` moved to `status` through the services."""
    common = {"change_id": change.pk, "portal": change.portal}
    if status == ChangeRequestStatus.APPROVED:
        return change_request_approve(**common, verifier=verifier)
    if status == ChangeRequestStatus.REJECTED:
        return change_request_reject(**common, verifier=verifier, reason="Tidak.")
    if status == ChangeRequestStatus.WITHDRAWN:
        return change_request_withdraw(**common, user=change.requested_by)
    return change


# --- The change request's state machine ------------------------------------------------------


def test_the_change_status_cannot_be_assigned_directly(change):
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        change.status = ChangeRequestStatus.APPROVED

    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING


def test_the_declared_transitions_all_leave_pending():
    transitions = ChangeRequest._meta.get_field("status").get_all_transitions(ChangeRequest)

    assert sorted((t.name, t.source, t.target) for t in transitions) == [
        ("approve", "pending", "approved"),
        ("reject", "pending", "rejected"),
        ("withdraw", "pending", "withdrawn"),
    ]


@pytest.mark.parametrize(
    "status",
    [ChangeRequestStatus.APPROVED, ChangeRequestStatus.REJECTED, ChangeRequestStatus.WITHDRAWN],
)
@pytest.mark.parametrize(
    ("transition", "arguments"),
    [("approve", {}), ("reject", {"reason": "x"}), ("withdraw", {})],
)
def test_a_decided_change_refuses_every_transition(change, verifier, status, transition, arguments):
    decided = change_in(status, change, verifier)

    with pytest.raises(TransitionNotAllowed):
        getattr(decided, transition)(by=verifier, at=timezone.now(), **arguments)

    assert decided.status == status
    assert ChangeRequest.objects.get(pk=change.pk).status == status


def test_a_change_transition_from_a_stale_copy_is_not_saved(change, verifier):
    """ConcurrentTransitionMixin: a copy loaded before another decision cannot overwrite it."""
    stale = ChangeRequest.objects.get(pk=change.pk)
    change_request_approve(change_id=change.pk, portal=change.portal, verifier=verifier)

    stale.reject(by=verifier, at=timezone.now(), reason="terlambat")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeRequestStatus.APPROVED


def test_withdrawing_records_who_took_the_request_back_and_when(change, registration):
    with time_machine.travel(START, tick=False):
        withdrawn = change_request_withdraw(
            change_id=change.pk, portal=change.portal, user=registration.applicant
        )

    withdrawn.refresh_from_db()
    assert withdrawn.status == ChangeRequestStatus.WITHDRAWN
    assert (withdrawn.decided_by, withdrawn.decided_at) == (registration.applicant, START)
    assert withdrawn.decision_reason == ""
    assert AuditEvent.objects.get(verb="company_change.withdrawn").payload == {
        "company": registration.company_id,
        "fields": ["name"],
    }
    changes = Email.objects.filter(template__startswith="vendors/email/company_change_")
    assert list(changes.values_list("template", flat=True)) == [
        "vendors/email/company_change_received"
    ]


# --- One conflict for both ------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_a_change_conflict_says_who_decided_when_and_the_status(change, verifier, portal_a):
    first = make_user(portal_a, role=Role.VERIFIER, full_name="Budi Pertama")
    with time_machine.travel(START, tick=False):
        change_request_reject(change_id=change.pk, portal=portal_a, verifier=first, reason="No.")
    audits = AuditEvent.objects.count()

    with pytest.raises(ReviewConflict) as conflict:
        change_request_withdraw(change_id=change.pk, portal=portal_a, user=change.requested_by)

    assert (conflict.value.decided_by, conflict.value.decided_at) == (first, START)
    assert conflict.value.status_label == "Rejected"
    assert conflict.value.subject.pk == change.pk
    assert AuditEvent.objects.count() == audits


@pytest.mark.usefixtures("english")
def test_a_registration_conflict_is_the_same_exception(portal_a, verifier):
    submitted = register_submitted(portal_a)
    with time_machine.travel(START, tick=False):
        registration_approve(registration_id=submitted.pk, portal=portal_a, verifier=verifier)

    with pytest.raises(ReviewConflict) as conflict:
        registration_approve(registration_id=submitted.pk, portal=portal_a, verifier=verifier)

    assert (conflict.value.decided_by, conflict.value.decided_at) == (verifier, START)
    assert conflict.value.status_label == "Approved"
    assert isinstance(conflict.value.subject, Registration)


# --- The helper: all or nothing ---------------------------------------------------------------


class Refused(Exception):
    pass


def test_effects_that_refuse_leave_no_transition_history_audit_or_email(portal_a, verifier):
    submitted = register_submitted(portal_a)
    written = []

    def refuse(_registration):
        raise Refused

    decision = Decision[Registration](
        transition="approve",
        actor=verifier,
        portal=portal_a,
        verb="registration.approved",
        effects=refuse,
        history=written.append,
        email=written.append,
    )
    with pytest.raises(Refused):
        review_decide(
            lock=lambda: Registration.objects.select_for_update().get(pk=submitted.pk),
            decision=decision,
        )

    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.SUBMITTED
    assert submitted.decided_by is None
    assert written == []
    assert not AuditEvent.objects.filter(verb="registration.approved").exists()


def test_the_helper_calls_history_audit_and_email_once_each(portal_a, verifier):
    submitted = register_submitted(portal_a)
    calls = []

    decision = Decision[Registration](
        transition="reject",
        arguments={"reason": "Palsu."},
        actor=verifier,
        portal=portal_a,
        verb="registration.rejected",
        reason="Palsu.",
        payload=lambda registration: {"status": registration.status},
        history=lambda registration: calls.append(("history", registration.status)),
        email=lambda registration: calls.append(("email", registration.status)),
    )
    decided = review_decide(
        lock=lambda: Registration.objects.select_for_update().get(pk=submitted.pk),
        decision=decision,
    )

    assert calls == [("history", "rejected"), ("email", "rejected")]
    assert (decided.decided_by, decided.rejection_reason) == (verifier, "Palsu.")
    audit = AuditEvent.objects.get(verb="registration.rejected")
    assert (audit.actor, audit.reason) == (verifier, "Palsu.")
    assert audit.payload == {"status": "rejected"}
    assert not decided.events.filter(kind=EventKind.REJECTED).exists()  # history was ours


# --- One conflict message, two nouns, two languages -------------------------------------------


def change_url(change) -> str:
    return f"/lpse-a/staf/verifikasi/perubahan/{change.pk}/"


def registration_url(registration) -> str:
    return f"/lpse-a/staf/verifikasi/{registration.pk}/"


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (
            Registration(status=RegistrationStatus.EMAIL_UNCONFIRMED),
            "This registration is not waiting for a decision (Email not yet confirmed). "
            "Your decision was not recorded.",
        ),
        (
            # Decided by an account since deleted (decided_by is SET_NULL).
            ChangeRequest(status=ChangeRequestStatus.WITHDRAWN),
            "This change is not waiting for a decision (Withdrawn). "
            "Your decision was not recorded.",
        ),
    ],
)
def test_one_conflict_message_with_the_noun_of_each_kind(subject, expected):
    assert conflict_message(ReviewConflict(subject)) == expected


@pytest.mark.usefixtures("english")
def test_a_withdrawn_change_names_who_withdrew_it(change, registration, verifier):
    applicant = registration.applicant
    with time_machine.travel(START, tick=False):
        change_in(ChangeRequestStatus.WITHDRAWN, change, verifier)

    response = signed_in(verifier).post(change_url(change), {"decision": "reject", "reason": "x"})

    assert response.status_code == 409
    assert (
        f"This change was already decided by {applicant.full_name or applicant.username} at "
        "25 November 2026 09:00 WIB (Withdrawn). Your decision was not recorded."
    ) in response.text


@pytest.mark.usefixtures("english")
def test_a_decided_change_names_who_decided_first(change, verifier, portal_a):
    first = make_user(portal_a, role=Role.VERIFIER, full_name="Budi Pertama")
    with time_machine.travel(START, tick=False):
        change_request_approve(change_id=change.pk, portal=portal_a, verifier=first)

    response = signed_in(verifier).post(change_url(change), {"decision": "reject", "reason": "x"})

    assert response.status_code == 409
    assert (
        "This change was already decided by Budi Pertama at 25 November 2026 09:00 WIB "
        "(Approved). Your decision was not recorded."
    ) in response.text


def test_the_conflict_message_in_indonesian_names_a_change(change, verifier, portal_a):
    first = make_user(portal_a, role=Role.VERIFIER, full_name="Budi Pertama")
    with time_machine.travel(START, tick=False):
        change_request_approve(change_id=change.pk, portal=portal_a, verifier=first)

    response = signed_in(verifier).post(change_url(change), {"decision": "reject", "reason": "x"})

    assert response.status_code == 409
    assert (
        "Perubahan ini sudah diputuskan oleh Budi Pertama pada 25 November 2026 09:00 WIB "
        "(Disetujui). Keputusan Anda tidak dicatat."
    ) in response.text


def test_the_conflict_message_in_indonesian_names_a_registration(portal_a, verifier):
    unconfirmed = register(portal_a)

    response = signed_in(verifier).post(
        registration_url(unconfirmed), {"decision": "reject", "reason": "x"}
    )

    assert response.status_code == 409
    assert (
        "Pendaftaran ini tidak sedang menunggu keputusan (Email belum dikonfirmasi). "
        "Keputusan Anda tidak dicatat."
    ) in response.text


# --- The migration ------------------------------------------------------------------------------


def test_the_state_machine_migration_changes_django_state_only():
    """No SQL on any database: the column keeps its type, length, default and constraints."""
    migration = import_module(
        "inaproc.vendors.migrations.0005_change_request_status_state_machine"
    ).Migration
    [operation] = migration.operations

    assert isinstance(operation, migrations.SeparateDatabaseAndState)
    assert operation.database_operations == []
    [alter] = operation.state_operations
    assert (alter.model_name, alter.name) == ("changerequest", "status")
    assert isinstance(alter.field, FSMField) and alter.field.protected
    assert alter.field.max_length == ChangeRequest._meta.get_field("status").max_length == 20
