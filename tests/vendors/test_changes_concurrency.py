"""Change requests decided or sent at the same moment, on PostgreSQL: the company and
request rows are locked (in that order), so exactly one decision applies; two submits at
once leave one pending request (the other is refused, its files removed)."""

import pytest

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.changes import (
    ChangePending,
    change_request_approve,
    change_request_withdraw,
)
from inaproc.vendors.models import ChangeRequest, ChangeRequestStatus, Company
from inaproc.vendors.review import ReviewConflict
from tests import helpers
from tests.factories import make_portal, make_user
from tests.helpers import POSTGRESQL_CONCURRENT
from tests.vendors.change_builders import NEW_NAME, approved, licence, submit_change

pytestmark = POSTGRESQL_CONCURRENT


def all_at_once(calls):
    """The calls at once; the expected refusals are returned, not raised."""
    return helpers.all_at_once(calls, refusals=(ReviewConflict, ChangePending))


@pytest.fixture
def setting():
    portal = make_portal("lpse-konkuren-perubahan")
    registration = approved(portal)
    verifiers = [make_user(portal, role=Role.VERIFIER) for _n in range(2)]
    return portal, registration, verifiers


def test_two_approvals_at_once_apply_once(setting):
    portal, registration, verifiers = setting
    change = submit_change(registration, name=NEW_NAME, uploads=[licence()])

    results = all_at_once(
        [
            lambda verifier=verifier: change_request_approve(
                change_id=change.pk, portal=portal, verifier=verifier
            )
            for verifier in verifiers
        ]
    )

    assert sum(isinstance(r, ChangeRequest) for r in results) == 1
    assert sum(isinstance(r, ReviewConflict) for r in results) == 1
    assert Company.objects.get(pk=registration.company_id).name == NEW_NAME
    assert registration.company.documents.filter(kind="business_licence").count() == 1
    assert AuditEvent.objects.filter(verb="company_change.approved").count() == 1
    assert Email.objects.filter(template="vendors/email/company_change_approved").count() == 1


def test_approval_and_withdrawal_at_once_leave_exactly_one(setting):
    portal, registration, verifiers = setting
    change = submit_change(registration, name=NEW_NAME)

    results = all_at_once(
        [
            lambda: change_request_approve(
                change_id=change.pk, portal=portal, verifier=verifiers[0]
            ),
            lambda: change_request_withdraw(
                change_id=change.pk, portal=portal, user=registration.applicant
            ),
        ]
    )

    [winner] = [r for r in results if isinstance(r, ChangeRequest)]
    change.refresh_from_db()
    assert change.status == winner.status
    renamed = Company.objects.get(pk=registration.company_id).name == NEW_NAME
    assert renamed == (winner.status == ChangeRequestStatus.APPROVED)


def test_two_submits_at_once_leave_one_pending_request(setting, document_root):
    _portal, registration, _verifiers = setting

    results = all_at_once(
        [
            lambda: submit_change(registration, name=NEW_NAME, uploads=[licence("a.pdf")]),
            lambda: submit_change(registration, nib="9120000000555", uploads=[licence("b.pdf")]),
        ]
    )

    assert sum(isinstance(r, ChangeRequest) for r in results) == 1
    assert sum(isinstance(r, ChangePending) for r in results) == 1
    assert ChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING).count() == 1
    stored = [p for p in document_root.rglob("*") if p.is_file()]
    documents = registration.company.documents.count()
    assert len(stored) == documents + 1  # the refused submit's file is gone
