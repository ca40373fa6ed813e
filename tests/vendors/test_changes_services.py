"""Change requests of critical company data: what a request holds, what it refuses, and what
approving, rejecting and withdrawing do (all in one transaction, audited, emailed)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.files.storage import document_open
from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.changes import (
    ChangeNotApplicable,
    ChangePending,
    NothingChanged,
    change_request_approve,
    change_request_reject,
    change_request_withdraw,
)
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import (
    ChangeRequest,
    ChangeRequestStatus,
    Company,
    Document,
    ProposedDocument,
)
from inaproc.vendors.review import ReviewConflict
from tests.factories import make_user
from tests.vendors.builders import checked, company_data, npwp_make
from tests.vendors.change_builders import NEW_NAME, approved, licence, submit_change

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def verifier(portal_a):
    return make_user(portal_a, role=Role.VERIFIER)


def stored_files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


# --- Submitting ---------------------------------------------------------------------------


def test_only_the_changed_fields_go_into_the_request_and_the_company_stays_as_approved(
    registration,
):
    company = registration.company
    before = Company.objects.get(pk=company.pk)

    change = submit_change(
        registration, name=NEW_NAME, sectors=["43211"], message="Ganti nama setelah RUPS."
    )

    assert change.status == ChangeRequestStatus.PENDING
    assert change.proposed == {"name": NEW_NAME, "sectors": ["43211"]}
    assert change.previous == {"name": before.name, "sectors": ["41011", "43211"]}
    assert change.requested_by == registration.applicant
    assert change.message == "Ganti nama setelah RUPS."
    company.refresh_from_db()
    assert company.name == before.name
    assert sorted(company.sectors.values_list("code", flat=True)) == ["41011", "43211"]


def test_new_files_are_proposed_documents_not_company_documents(registration, document_root):
    documents_before = set(registration.company.documents.values_list("pk", flat=True))

    change = submit_change(registration, uploads=[licence()], valid_until=date(2030, 1, 31))

    [proposed] = change.proposed_documents.all()
    assert proposed.kind == DocumentKind.BUSINESS_LICENCE
    assert proposed.valid_until == date(2030, 1, 31)
    assert proposed.uploaded_by == registration.applicant
    assert document_open(name=proposed.stored_name).read().startswith(b"%PDF-")
    assert set(registration.company.documents.values_list("pk", flat=True)) == documents_before


def test_submit_emails_the_company_and_is_audited(registration):
    change = submit_change(registration, name=NEW_NAME)

    email = Email.objects.get(template="vendors/email/company_change_received")
    assert email.to == registration.company.email
    assert "awaiting verification" in email.subject
    assert "Company name" in email.body
    event = AuditEvent.objects.get(verb="company_change.requested")
    assert event.actor == registration.applicant
    assert event.target_id == str(change.pk)
    assert event.payload["fields"] == ["name"]


def test_nothing_changed_saves_nothing(registration):
    with pytest.raises(NothingChanged):
        submit_change(registration)

    assert not ChangeRequest.objects.exists()
    assert not Email.objects.filter(template__startswith="vendors/email/company_change").exists()


def test_a_second_request_is_refused_while_one_is_pending_and_its_files_removed(
    registration, document_root
):
    submit_change(registration, name=NEW_NAME)
    files_before = stored_files(document_root)

    with pytest.raises(ChangePending):
        submit_change(registration, nib="9120000000999", uploads=[licence()])

    assert ChangeRequest.objects.count() == 1
    assert stored_files(document_root) == files_before


def test_npwp_of_another_company_of_the_portal_is_refused(registration, portal_a, document_root):
    other = approved(portal_a)
    files_before = stored_files(document_root)

    with pytest.raises(ValidationError) as error:
        submit_change(registration, npwp=other.company.npwp, uploads=[licence()])

    assert "npwp" in error.value.message_dict
    assert not ChangeRequest.objects.exists()
    assert stored_files(document_root) == files_before


def test_npwp_of_a_company_of_another_portal_is_allowed(registration, portal_b):
    elsewhere = approved(portal_b)

    change = submit_change(registration, npwp=elsewhere.company.npwp)

    assert change.proposed == {"npwp": elsewhere.company.npwp}


def test_required_documents_must_remain_after_withdrawing(registration):
    nib = registration.company.documents.get(kind=DocumentKind.NIB)

    with pytest.raises(ValidationError) as error:
        submit_change(registration, remove=[nib])

    assert "document:nib" in error.value.message_dict
    assert not ChangeRequest.objects.exists()


def test_the_deed_is_required_when_the_legal_form_changes_from_sole_proprietorship(portal_a):
    sole = approved(
        portal_a,
        company=company_data(legal_form="perorangan"),
        kinds=(DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.REPRESENTATIVE_ID),
    )

    with pytest.raises(ValidationError) as error:
        submit_change(sole, legal_form="pt")

    assert "document:deed_of_establishment" in error.value.message_dict


def test_a_failure_inside_the_transaction_removes_the_new_files(
    registration, document_root, monkeypatch
):
    files_before = stored_files(document_root)

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("inaproc.vendors.companies.services.changes.audit_record", broken)
    with pytest.raises(RuntimeError):
        submit_change(registration, name=NEW_NAME, uploads=[licence()])

    assert stored_files(document_root) == files_before
    assert not ChangeRequest.objects.exists()
    assert not ProposedDocument.objects.exists()


# --- Approving ----------------------------------------------------------------------------


def test_approval_applies_fields_sectors_and_documents_at_once(registration, portal_a, verifier):
    company = registration.company
    old_nib = company.documents.get(kind=DocumentKind.NIB)
    new_npwp = npwp_make(9001)
    change = submit_change(
        registration,
        name=NEW_NAME,
        npwp=new_npwp,
        sectors=["43211"],
        representative_name="Siti Rahma",
        uploads=[licence(), checked(DocumentKind.NIB, "nib-baru.pdf")],
        remove=[old_nib],
        valid_until=date(2030, 6, 30),
    )
    proposed_licence = change.proposed_documents.get(kind=DocumentKind.BUSINESS_LICENCE)

    change = change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    company.refresh_from_db()
    assert change.status == ChangeRequestStatus.APPROVED
    assert change.decided_by == verifier
    assert change.decided_at is not None
    assert company.name == NEW_NAME
    assert company.npwp == new_npwp
    assert company.representative_name == "Siti Rahma"
    assert list(company.sectors.values_list("code", flat=True)) == ["43211"]
    old_nib.refresh_from_db()
    assert old_nib.removed_at is not None  # replaced by the new NIB
    current = company.documents.filter(removed_at__isnull=True)
    new_licence = current.get(kind=DocumentKind.BUSINESS_LICENCE)
    assert new_licence.stored_name == proposed_licence.stored_name
    assert new_licence.valid_until == date(2030, 6, 30)
    assert current.get(kind=DocumentKind.NIB).original_name == "nib-baru.pdf"


def test_approval_is_emailed_and_audited(registration, portal_a, verifier):
    change = submit_change(registration, name=NEW_NAME)

    change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    email = Email.objects.get(template="vendors/email/company_change_approved")
    assert email.to == registration.company.email
    assert "approved" in email.subject
    assert "/lpse-a/perusahaan/" in email.body
    event = AuditEvent.objects.get(verb="company_change.approved")
    assert event.actor == verifier
    assert event.payload == {"company": registration.company.pk, "fields": ["name"]}


def test_the_emails_name_the_documents_a_change_adds_or_withdraws(registration, portal_a, verifier):
    old_nib = registration.company.documents.get(kind=DocumentKind.NIB)
    change = submit_change(
        registration,
        uploads=[licence(), checked(DocumentKind.NIB, "nib-baru.pdf")],
        remove=[old_nib],
        valid_until=date(2030, 6, 30),
    )

    change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    labels = f"{DocumentKind.NIB.label}, {DocumentKind.BUSINESS_LICENCE.label}"
    received = Email.objects.get(template="vendors/email/company_change_received")
    approved = Email.objects.get(template="vendors/email/company_change_approved")
    assert labels in received.body
    assert labels in approved.body


def test_withdrawn_documents_get_removed_at_on_approval_only(registration, portal_a, verifier):
    first_licence = submit_change(registration, uploads=[licence("izin-1.pdf")])
    change_request_approve(change_id=first_licence.pk, portal=portal_a, verifier=verifier)
    licence_document = registration.company.documents.get(kind=DocumentKind.BUSINESS_LICENCE)

    change = submit_change(registration, remove=[licence_document])
    licence_document.refresh_from_db()
    assert licence_document.removed_at is None

    change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)
    licence_document.refresh_from_db()
    assert licence_document.removed_at is not None


def test_approval_rechecks_the_npwp(registration, portal_a, verifier):
    new_npwp = npwp_make(9002)
    change = submit_change(registration, name=NEW_NAME, npwp=new_npwp)
    approved(portal_a, company=company_data(npwp=new_npwp))  # registered meanwhile

    with pytest.raises(ChangeNotApplicable):
        change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    change.refresh_from_db()
    registration.company.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING
    assert registration.company.name != NEW_NAME
    assert not Email.objects.filter(template="vendors/email/company_change_approved").exists()


def test_a_second_decision_is_a_conflict_and_changes_nothing(registration, portal_a, verifier):
    change = submit_change(registration, name=NEW_NAME)
    change_request_reject(change_id=change.pk, portal=portal_a, verifier=verifier, reason="No.")

    with pytest.raises(ReviewConflict) as conflict:
        change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    assert conflict.value.subject.status == ChangeRequestStatus.REJECTED
    registration.company.refresh_from_db()
    assert registration.company.name != NEW_NAME
    assert not Email.objects.filter(template="vendors/email/company_change_approved").exists()


def test_a_change_of_another_portal_cannot_be_decided(registration, portal_b):
    change = submit_change(registration, name=NEW_NAME)
    verifier_b = make_user(portal_b, role=Role.VERIFIER)

    with pytest.raises(ChangeRequest.DoesNotExist):
        change_request_approve(change_id=change.pk, portal=portal_b, verifier=verifier_b)


# --- Rejecting and withdrawing ------------------------------------------------------------


def test_rejection_keeps_the_data_and_emails_the_reason(registration, portal_a, verifier):
    change = submit_change(registration, name=NEW_NAME, uploads=[licence()])

    change = change_request_reject(
        change_id=change.pk, portal=portal_a, verifier=verifier, reason="  Akta tidak terbaca.  "
    )

    assert change.status == ChangeRequestStatus.REJECTED
    assert change.decision_reason == "Akta tidak terbaca."
    registration.company.refresh_from_db()
    assert registration.company.name != NEW_NAME
    assert not registration.company.documents.filter(kind=DocumentKind.BUSINESS_LICENCE).exists()
    email = Email.objects.get(template="vendors/email/company_change_rejected")
    assert "Akta tidak terbaca." in email.body
    assert AuditEvent.objects.get(verb="company_change.rejected").reason == "Akta tidak terbaca."


def test_rejection_needs_a_reason(registration, portal_a, verifier):
    change = submit_change(registration, name=NEW_NAME)

    with pytest.raises(ValueError):
        change_request_reject(change_id=change.pk, portal=portal_a, verifier=verifier, reason=" ")

    change.refresh_from_db()
    assert change.is_pending


def test_withdrawing_frees_the_way_for_a_new_request(registration, portal_a):
    change = submit_change(registration, name=NEW_NAME)

    change = change_request_withdraw(
        change_id=change.pk, portal=portal_a, user=registration.applicant
    )

    assert change.status == ChangeRequestStatus.WITHDRAWN
    assert AuditEvent.objects.get(verb="company_change.withdrawn").actor == registration.applicant
    assert submit_change(registration, name="PT Lain Lagi").is_pending


def test_a_withdrawn_request_cannot_be_approved(registration, portal_a, verifier):
    change = submit_change(registration, name=NEW_NAME)
    change_request_withdraw(change_id=change.pk, portal=portal_a, user=registration.applicant)

    with pytest.raises(ReviewConflict):
        change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    registration.company.refresh_from_db()
    assert registration.company.name != NEW_NAME


def test_decided_at_is_now(registration, portal_a, verifier):
    change = submit_change(registration, name=NEW_NAME)

    change = change_request_approve(change_id=change.pk, portal=portal_a, verifier=verifier)

    assert timezone.now() - change.decided_at < timedelta(minutes=1)
    assert Document.objects.filter(company=registration.company).count() == 4
