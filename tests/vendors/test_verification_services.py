"""Verifiers' decisions and the vendor's resubmission, through the real services: each
decision once, audited, emailed and recorded in the history; the state machine refuses
everything else."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.files.models import HeldUpload
from inaproc.files.services import held_uploads_add
from inaproc.notifications.models import Email
from inaproc.vendors.companies import documents as company_documents_rules
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.companies.selectors.company import company_documents, registration_history
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import (
    Company,
    Document,
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from inaproc.vendors.registrations.selectors import latest_change_request, registration_queue
from inaproc.vendors.registrations.services.registration import (
    RegistrationNotEditable,
    registration_resubmit,
)
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
    registration_reject,
    registration_request_changes,
)
from inaproc.vendors.review import ReviewConflict
from tests.factories import make_user
from tests.vendors.builders import checked, company_data, register, register_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

APPROVED_TEMPLATE = "vendors/email/registration_approved"
REJECTED_TEMPLATE = "vendors/email/registration_rejected"
CHANGES_TEMPLATE = "vendors/email/registration_changes_requested"
NPWP_TAKEN = (
    "A company with this NPWP is already registered on this portal. Sign in with its "
    "username, or reset the password if it is forgotten."
)


@pytest.fixture
def verifier(portal_a):
    return make_user(portal_a, role=Role.VERIFIER, username="verifikator")


@pytest.fixture
def submitted(portal_a):
    return register_submitted(portal_a)


def stored_files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot(registration: Registration) -> dict:
    """Everything a decision or resubmission may change, to show that a refusal did not."""
    registration = Registration.objects.select_related("company", "applicant").get(
        pk=registration.pk
    )
    return {
        "registration": {
            name: getattr(registration, name)
            for name in (
                "status",
                "queued_at",
                "decided_at",
                "decided_by_id",
                "rejection_reason",
            )
        },
        "company": CompanyData.from_company(registration.company),
        "active": registration.applicant.is_active,
        "documents": sorted(
            Document.objects.filter(company=registration.company).values_list("pk", "removed_at")
        ),
        "events": RegistrationEvent.objects.count(),
        "emails": Email.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def decision_email(template: str) -> Email:
    return Email.objects.get(template=template)


def approve(registration, portal, verifier):
    return registration_approve(registration_id=registration.pk, portal=portal, verifier=verifier)


def reject(registration, portal, verifier):
    return registration_reject(
        registration_id=registration.pk, portal=portal, verifier=verifier, reason="Tidak lengkap"
    )


def request_changes(registration, portal, verifier):
    return registration_request_changes(
        registration_id=registration.pk,
        portal=portal,
        verifier=verifier,
        notes={"nib": "NIB tidak terbaca"},
    )


DECISIONS = [approve, reject, request_changes]


# --- Approve -----------------------------------------------------------------------------


def test_approval_activates_the_account_and_emails_the_login_link(
    portal_a, verifier, submitted, settings
):
    at = timezone.now() + timedelta(days=2)

    with time_machine.travel(at, tick=False):
        registration = approve(submitted, portal_a, verifier)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.decided_by == verifier
    assert registration.decided_at == at
    assert registration.rejection_reason == ""
    assert registration.applicant.is_active is True
    assert list(registration_queue(portal=portal_a)) == []
    event = registration.events.get(kind=EventKind.APPROVED)
    assert (event.actor, event.message, event.notes) == (verifier, "", {})
    audit = AuditEvent.objects.get(verb="registration.approved")
    assert audit.actor == verifier
    assert audit.actor_label == "verifikator"
    assert audit.portal == portal_a
    assert (audit.target_type, audit.target_id) == ("vendors.registration", str(registration.pk))
    assert (audit.reason, audit.payload) == ("", {})
    email = decision_email(APPROVED_TEMPLATE)
    assert email.to == registration.applicant.email
    assert email.subject == "Your registration on LPSE Alpha is approved"
    assert f"Sign in at: {settings.SITE_URL}/lpse-a/masuk/" in email.body
    assert f"Your username: {registration.applicant.username}" in email.body
    assert f"reset it here: {settings.SITE_URL}/lpse-a/lupa-kata-sandi/" in email.body
    assert f"The registration of {registration.company.name} on LPSE Alpha" in email.body


def test_a_resubmitted_registration_can_be_approved(portal_a, verifier, submitted):
    request_changes(submitted, portal_a, verifier)
    resubmit(submitted, portal_a)

    registration = approve(submitted, portal_a, verifier)

    assert registration.status == RegistrationStatus.APPROVED
    assert registration.applicant.is_active is True


# --- Reject ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n\t"])
def test_a_rejection_needs_a_reason(portal_a, verifier, submitted, reason):
    before = snapshot(submitted)

    with pytest.raises(ValueError, match="A rejection needs a reason."):
        registration_reject(
            registration_id=submitted.pk, portal=portal_a, verifier=verifier, reason=reason
        )

    assert snapshot(submitted) == before


def test_a_rejection_records_and_emails_its_reason(portal_a, verifier, submitted):
    at = timezone.now() + timedelta(hours=5)

    with time_machine.travel(at, tick=False):
        registration_reject(
            registration_id=submitted.pk,
            portal=portal_a,
            verifier=verifier,
            reason="  NPWP pada kartu berbeda dengan data.\n",
        )

    registration = Registration.objects.get(pk=submitted.pk)
    assert registration.status == RegistrationStatus.REJECTED
    assert registration.rejection_reason == "NPWP pada kartu berbeda dengan data."
    assert (registration.decided_by, registration.decided_at) == (verifier, at)
    assert registration.applicant.is_active is False
    assert list(registration_queue(portal=portal_a)) == []
    event = registration.events.get(kind=EventKind.REJECTED)
    assert (event.actor, event.message) == (verifier, "NPWP pada kartu berbeda dengan data.")
    audit = AuditEvent.objects.get(verb="registration.rejected")
    assert (audit.actor, audit.reason) == (verifier, "NPWP pada kartu berbeda dengan data.")
    assert audit.target_id == str(registration.pk)
    email = decision_email(REJECTED_TEMPLATE)
    assert email.to == registration.applicant.email
    assert email.subject == "Your registration on LPSE Alpha was rejected"
    assert "Reason:\nNPWP pada kartu berbeda dengan data.\n" in email.body


# --- Request changes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "message"),
    [({}, ""), ({"nib": "  ", "street": ""}, " \n ")],
)
def test_a_request_for_changes_needs_a_note(portal_a, verifier, submitted, notes, message):
    before = snapshot(submitted)

    with pytest.raises(ValueError, match="A request for changes needs at least one note."):
        registration_request_changes(
            registration_id=submitted.pk,
            portal=portal_a,
            verifier=verifier,
            notes=notes,
            message=message,
        )

    assert snapshot(submitted) == before


def test_a_request_for_changes_stores_and_emails_labelled_notes(portal_a, verifier, submitted):
    registration_request_changes(
        registration_id=submitted.pk,
        portal=portal_a,
        verifier=verifier,
        notes={
            "document:npwp_card": "Scan buram, unggah ulang.",
            "street": "  Nomor rumah belum ada. ",
            "nib": "NIB tidak terbaca.",
            "city": "   ",
        },
        message=" Mohon perbaiki data berikut. ",
    )

    registration = Registration.objects.get(pk=submitted.pk)
    assert registration.status == RegistrationStatus.CHANGES_REQUESTED
    assert registration.decided_by == verifier
    assert registration.applicant.is_active is False
    assert list(registration_queue(portal=portal_a)) == []
    stored = {
        "document:npwp_card": "Scan buram, unggah ulang.",
        "street": "Nomor rumah belum ada.",
        "nib": "NIB tidak terbaca.",
    }
    event = latest_change_request(registration=registration)
    assert (event.kind, event.actor) == (EventKind.CHANGES_REQUESTED, verifier)
    assert (event.message, event.notes) == ("Mohon perbaiki data berikut.", stored)
    audit = AuditEvent.objects.get(verb="registration.changes_requested")
    assert audit.actor == verifier
    assert audit.reason == "Mohon perbaiki data berikut."
    assert audit.payload == {"fields": ["document:npwp_card", "nib", "street"]}
    email = decision_email(CHANGES_TEMPLATE)
    assert email.to == registration.applicant.email
    assert email.subject == "Your registration on LPSE Alpha needs changes"
    assert (
        "\nMohon perbaiki data berikut.\n\n"
        "- NIB: NIB tidak terbaca.\n"
        "- Street address: Nomor rumah belum ada.\n"
        "- NPWP card: Scan buram, unggah ulang.\n"
    ) in email.body
    assert "/lpse-a/masuk/" in email.body


def test_a_request_for_changes_may_be_a_message_alone(portal_a, verifier, submitted):
    registration_request_changes(
        registration_id=submitted.pk,
        portal=portal_a,
        verifier=verifier,
        notes={},
        message="Hubungi kami untuk klarifikasi.",
    )

    event = RegistrationEvent.objects.get(kind=EventKind.CHANGES_REQUESTED)
    assert (event.message, event.notes) == ("Hubungi kami untuk klarifikasi.", {})
    assert AuditEvent.objects.get(verb="registration.changes_requested").payload == {}


# --- Decisions refused -------------------------------------------------------------------


def registration_in(status: str, portal, verifier) -> Registration:
    if status == RegistrationStatus.EMAIL_UNCONFIRMED:
        return register(portal)
    registration = register_submitted(portal)
    if status == RegistrationStatus.APPROVED:
        approve(registration, portal, verifier)
    elif status == RegistrationStatus.REJECTED:
        reject(registration, portal, verifier)
    elif status == RegistrationStatus.CHANGES_REQUESTED:
        request_changes(registration, portal, verifier)
    return Registration.objects.get(pk=registration.pk)


@pytest.mark.parametrize("decide", DECISIONS)
@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.EMAIL_UNCONFIRMED,
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
        RegistrationStatus.CHANGES_REQUESTED,
    ],
)
def test_a_registration_not_waiting_for_a_decision_refuses_one(portal_a, verifier, decide, status):
    registration = registration_in(status, portal_a, verifier)
    before = snapshot(registration)

    with pytest.raises(ReviewConflict) as conflict:
        decide(registration, portal_a, verifier)

    assert conflict.value.subject.pk == registration.pk
    assert conflict.value.subject.status == status
    assert snapshot(registration) == before


@pytest.mark.parametrize("decide", DECISIONS)
def test_a_verifier_cannot_decide_a_registration_of_another_portal(
    portal_a, portal_b, submitted, decide
):
    """The service looks the registration up on the given portal only: on another portal
    it is as missing as a registration that does not exist (the view answers 404)."""
    verifier_b = make_user(portal_b, role=Role.VERIFIER, username="verifikator")
    before = snapshot(submitted)

    with pytest.raises(Registration.DoesNotExist):
        decide(submitted, portal_b, verifier_b)

    assert snapshot(submitted) == before


@pytest.mark.parametrize("decide", DECISIONS)
def test_a_registration_that_does_not_exist_cannot_be_decided(portal_a, verifier, decide):
    missing = Registration(pk=987_654)

    with pytest.raises(Registration.DoesNotExist):
        decide(missing, portal_a, verifier)

    assert (RegistrationEvent.objects.count(), Email.objects.count()) == (0, 0)


# --- Resubmission ------------------------------------------------------------------------


def resubmit(registration, portal, company=None, *, uploads=(), remove=()):
    return registration_resubmit(
        registration_id=registration.pk,
        portal=portal,
        company=company or CompanyData.from_company(registration.company),
        uploads=list(uploads),
        remove_document_ids=set(remove),
    )


@pytest.fixture
def changes_requested(portal_a, verifier, submitted):
    request_changes(submitted, portal_a, verifier)
    return Registration.objects.get(pk=submitted.pk)


def current(registration, kind) -> Document:
    return registration.company.documents.get(kind=kind, removed_at__isnull=True)


def test_a_resubmission_saves_the_corrections_and_returns_to_the_queue(
    portal_a, changes_requested, document_root
):
    registration = changes_requested
    old_nib = current(registration, DocumentKind.NIB)
    corrected = company_data(
        name="PT Maju Jaya Sentosa",
        npwp=registration.company.npwp,
        nib=registration.company.nib,
        street="Jl. Asia Afrika No. 8",
        email="lain@example.id",
        sectors=("41011",),
    )
    corrected_email = registration.company.email
    at = timezone.now() + timedelta(days=3)

    with time_machine.travel(at, tick=False):
        result = resubmit(
            registration,
            portal_a,
            corrected,
            uploads=[checked(DocumentKind.NIB, "nib-baru.pdf")],
            remove=[old_nib.pk],
        )

    assert result.pk == registration.pk
    registration = Registration.objects.get(pk=registration.pk)
    assert registration.status == RegistrationStatus.RESUBMITTED
    assert registration.queued_at == at
    assert (registration.decided_by, registration.decided_at) == (None, None)
    assert list(registration_queue(portal=portal_a)) == [registration]
    company = Company.objects.get(pk=registration.company.pk)
    assert company.name == "PT Maju Jaya Sentosa"
    assert company.street == "Jl. Asia Afrika No. 8"
    assert company.email == corrected_email  # the email stays as registered
    assert list(company.sectors.values_list("code", flat=True)) == ["41011"]
    old_nib.refresh_from_db()
    assert old_nib.removed_at == at
    new_nib = current(registration, DocumentKind.NIB)
    assert new_nib.original_name == "nib-baru.pdf"
    assert new_nib.uploaded_by == registration.applicant
    assert new_nib in company_documents(company=company)
    assert old_nib not in company_documents(company=company)
    # The removed document's file stays for the history.
    assert old_nib.stored_name in stored_files(document_root)
    assert new_nib.stored_name in stored_files(document_root)
    event = registration.events.get(kind=EventKind.RESUBMITTED)
    assert event.actor == registration.applicant
    assert event.notes == {
        "changed_fields": ["name", "sectors", "street"],
        "documents_added": ["nib"],
        "documents_removed": ["nib"],
    }
    audit = AuditEvent.objects.get(verb="registration.resubmitted")
    assert audit.actor == registration.applicant
    assert audit.payload == {"changed_fields": ["name", "sectors", "street"]}
    assert Email.objects.filter(template__startswith="vendors/email/registration_").count() == 2


def test_a_resubmission_may_add_documents_without_removing_any(portal_a, changes_requested):
    resubmit(changes_requested, portal_a, uploads=[checked(DocumentKind.BUSINESS_LICENCE)])

    event = RegistrationEvent.objects.get(kind=EventKind.RESUBMITTED)
    assert event.notes == {
        "changed_fields": [],
        "documents_added": ["business_licence"],
        "documents_removed": [],
    }
    assert changes_requested.company.documents.filter(removed_at__isnull=True).count() == 5


def test_files_held_from_a_failed_resubmit_become_documents(
    portal_a, changes_requested, document_root
):
    old_nib = current(changes_requested, DocumentKind.NIB)
    held = held_uploads_add(
        portal=portal_a, key="perbaiki", items=[checked(DocumentKind.NIB, "nib-baru.pdf")]
    )

    registration_resubmit(
        registration_id=changes_requested.pk,
        portal=portal_a,
        company=CompanyData.from_company(changes_requested.company),
        uploads=[],
        remove_document_ids={old_nib.pk},
        held=held,
    )

    assert HeldUpload.objects.count() == 0
    new_nib = current(changes_requested, DocumentKind.NIB)
    assert (new_nib.stored_name, new_nib.original_name) == (held[0].stored_name, "nib-baru.pdf")
    assert new_nib.stored_name in stored_files(document_root)
    assert RegistrationEvent.objects.get(kind=EventKind.RESUBMITTED).notes == {
        "changed_fields": [],
        "documents_added": ["nib"],
        "documents_removed": ["nib"],
    }


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.EMAIL_UNCONFIRMED,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
    ],
)
def test_only_a_registration_awaiting_changes_can_be_resubmitted(
    portal_a, verifier, document_root, status
):
    registration = registration_in(status, portal_a, verifier)
    before, files = snapshot(registration), stored_files(document_root)

    with pytest.raises(RegistrationNotEditable) as refused:
        resubmit(registration, portal_a, uploads=[checked(DocumentKind.BUSINESS_LICENCE)])

    assert refused.value.registration.status == status
    assert snapshot(registration) == before
    assert stored_files(document_root) == files


def test_a_resubmitted_registration_cannot_be_resubmitted_again(portal_a, changes_requested):
    resubmit(changes_requested, portal_a)
    before = snapshot(changes_requested)

    with pytest.raises(RegistrationNotEditable):
        resubmit(changes_requested, portal_a)

    assert snapshot(changes_requested) == before


def test_a_resubmission_with_an_npwp_of_another_company_is_refused(
    portal_a, changes_requested, document_root
):
    other = register(portal_a)
    data = company_data(npwp=other.company.npwp)
    before, files = snapshot(changes_requested), stored_files(document_root)

    with pytest.raises(ValidationError) as refused:
        resubmit(changes_requested, portal_a, data, uploads=[checked(DocumentKind.NIB)])

    assert refused.value.message_dict == {"npwp": [NPWP_TAKEN]}
    assert snapshot(changes_requested) == before
    assert stored_files(document_root) == files


def test_a_concurrent_company_with_the_new_npwp_is_refused_cleanly(
    portal_a, changes_requested, document_root, monkeypatch
):
    """Another company takes the NPWP after the check: the unique constraint answers and
    the vendor sees the same message."""
    data = company_data()
    real_documents_missing = company_documents_rules.documents_missing

    def documents_missing(**kwargs):
        Company.objects.create(portal=portal_a, **company_data(npwp=data.npwp).model_values())
        return real_documents_missing(**kwargs)

    monkeypatch.setattr(company_documents_rules, "documents_missing", documents_missing)
    files = stored_files(document_root)

    with pytest.raises(ValidationError) as refused:
        resubmit(
            changes_requested, portal_a, data, uploads=[checked(DocumentKind.BUSINESS_LICENCE)]
        )

    assert refused.value.message_dict == {"npwp": [NPWP_TAKEN]}
    assert Registration.objects.get(pk=changes_requested.pk).status == (
        RegistrationStatus.CHANGES_REQUESTED
    )
    assert stored_files(document_root) == files


def test_removing_a_required_document_without_a_replacement_is_refused(
    portal_a, changes_requested, document_root
):
    nib = current(changes_requested, DocumentKind.NIB)
    before, files = snapshot(changes_requested), stored_files(document_root)

    with pytest.raises(ValidationError) as refused:
        resubmit(
            changes_requested,
            portal_a,
            uploads=[checked(DocumentKind.BUSINESS_LICENCE)],
            remove=[nib.pk],
        )

    assert refused.value.message_dict == {
        "document:nib": ["Upload this document (PDF, JPEG or PNG)."]
    }
    assert snapshot(changes_requested) == before
    assert stored_files(document_root) == files


def test_a_second_file_of_a_single_file_type_needs_the_first_removed(
    portal_a, changes_requested, document_root
):
    before, files = snapshot(changes_requested), stored_files(document_root)

    with pytest.raises(ValidationError) as refused:
        resubmit(changes_requested, portal_a, uploads=[checked(DocumentKind.NIB)])

    assert refused.value.message_dict == {"document:nib": ["Upload only one file of this type."]}
    assert snapshot(changes_requested) == before
    assert stored_files(document_root) == files


def test_a_changed_legal_form_may_make_the_deed_required(portal_a, verifier, document_root):
    kinds = [DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.REPRESENTATIVE_ID]
    registration = register_submitted(
        portal_a, company=company_data(legal_form="perorangan"), kinds=kinds
    )
    request_changes(registration, portal_a, verifier)
    data = company_data(npwp=registration.company.npwp, legal_form="cv")

    with pytest.raises(ValidationError) as refused:
        resubmit(registration, portal_a, data)

    assert refused.value.message_dict == {
        "document:deed_of_establishment": ["Upload this document (PDF, JPEG or PNG)."]
    }


def test_documents_of_another_company_are_not_removed(portal_a, changes_requested):
    other = register(portal_a)
    foreign = current(other, DocumentKind.NIB)

    resubmit(changes_requested, portal_a, remove=[foreign.pk])

    foreign.refresh_from_db()
    assert foreign.removed_at is None
    assert (
        RegistrationEvent.objects.get(kind=EventKind.RESUBMITTED).notes["documents_removed"] == []
    )


def test_a_registration_of_another_portal_cannot_be_resubmitted(
    portal_b, changes_requested, document_root
):
    before, files = snapshot(changes_requested), stored_files(document_root)

    with pytest.raises(Registration.DoesNotExist):
        resubmit(changes_requested, portal_b, uploads=[checked(DocumentKind.BUSINESS_LICENCE)])

    assert snapshot(changes_requested) == before
    assert stored_files(document_root) == files


# --- The whole cycle ---------------------------------------------------------------------


def test_the_whole_cycle_is_recorded_in_the_history(portal_a, verifier):
    registration = register_submitted(portal_a)
    request_changes(registration, portal_a, verifier)
    resubmit(registration, portal_a, uploads=[checked(DocumentKind.BUSINESS_LICENCE)])
    approve(registration, portal_a, verifier)

    history = registration_history(registration=registration)

    assert [(e.kind, e.actor) for e in history] == [
        (EventKind.REGISTERED, registration.applicant),
        (EventKind.CONFIRMATION_SENT, None),
        (EventKind.EMAIL_CONFIRMED, registration.applicant),
        (EventKind.CHANGES_REQUESTED, verifier),
        (EventKind.RESUBMITTED, registration.applicant),
        (EventKind.APPROVED, verifier),
    ]
    assert list(
        AuditEvent.objects.filter(verb__startswith="registration.")
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == [
        "registration.created",
        "registration.email_confirmed",
        "registration.changes_requested",
        "registration.resubmitted",
        "registration.approved",
    ]


# --- The state machine -------------------------------------------------------------------


def test_the_status_cannot_be_assigned_directly(portal_a):
    registration = register(portal_a)

    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        registration.status = RegistrationStatus.APPROVED

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED


@pytest.mark.parametrize(
    ("status", "transition", "arguments"),
    [
        (RegistrationStatus.EMAIL_UNCONFIRMED, "approve", {"by": None}),
        (RegistrationStatus.EMAIL_UNCONFIRMED, "reject", {"by": None, "reason": "x"}),
        (RegistrationStatus.EMAIL_UNCONFIRMED, "request_changes", {"by": None}),
        (RegistrationStatus.EMAIL_UNCONFIRMED, "resubmit", {}),
        (RegistrationStatus.SUBMITTED, "confirm_email", {}),
        (RegistrationStatus.SUBMITTED, "resubmit", {}),
        (RegistrationStatus.CHANGES_REQUESTED, "approve", {"by": None}),
        (RegistrationStatus.CHANGES_REQUESTED, "confirm_email", {}),
        (RegistrationStatus.APPROVED, "reject", {"by": None, "reason": "x"}),
        (RegistrationStatus.APPROVED, "request_changes", {"by": None}),
        (RegistrationStatus.APPROVED, "resubmit", {}),
        (RegistrationStatus.REJECTED, "approve", {"by": None}),
        (RegistrationStatus.REJECTED, "confirm_email", {}),
    ],
)
def test_illegal_transitions_are_refused(portal_a, verifier, status, transition, arguments):
    registration = registration_in(status, portal_a, verifier)

    with pytest.raises(TransitionNotAllowed):
        getattr(registration, transition)(at=timezone.now(), **arguments)

    assert registration.status == status
    assert Registration.objects.get(pk=registration.pk).status == status


def test_a_transition_from_a_stale_copy_is_not_saved(portal_a, verifier, submitted):
    """ConcurrentTransitionMixin: a copy loaded before another decision cannot overwrite it."""
    stale = Registration.objects.get(pk=submitted.pk)
    approve(submitted, portal_a, verifier)

    stale.reject(by=verifier, at=timezone.now(), reason="terlambat")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert Registration.objects.get(pk=submitted.pk).status == RegistrationStatus.APPROVED
