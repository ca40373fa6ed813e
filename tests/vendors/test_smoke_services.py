import pytest

from inaproc.vendors.models import RegistrationStatus
from inaproc.vendors.services.verification import (
    DecisionConflict,
    registration_approve,
    registration_request_changes,
)
from inaproc.vendors.services.registration import registration_resubmit, CompanyData
from tests.factories import make_portal, make_user
from tests.vendors.builders import register_submitted, checked

pytestmark = pytest.mark.django_db


def test_smoke():
    portal = make_portal()
    verifier = make_user(portal, role="verifier")
    registration = register_submitted(portal)
    assert not registration.applicant.is_active
    registration_request_changes(
        registration_id=registration.pk, portal=portal, verifier=verifier, notes={"nib": "x"}
    )
    data = CompanyData.from_company(registration.company)
    registration_resubmit(
        registration_id=registration.pk,
        portal=portal,
        company=data,
        uploads=[checked("business_licence")],
        remove_document_ids=set(),
    )
    registration = registration_approve(
        registration_id=registration.pk, portal=portal, verifier=verifier
    )
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.applicant.is_active
    with pytest.raises(DecisionConflict):
        registration_approve(registration_id=registration.pk, portal=portal, verifier=verifier)
