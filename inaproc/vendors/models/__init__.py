from inaproc.vendors.models.changes import (
    ChangeRequest,
    ChangeRequestStatus,
    EmailChange,
    ProposedDocument,
)
from inaproc.vendors.models.companies import Company, CompanyMember, CompanyRole, LegalForm
from inaproc.vendors.models.documents import Document
from inaproc.vendors.models.invitations import CompanyInvitation
from inaproc.vendors.models.registrations import (
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)

__all__ = [
    "ChangeRequest",
    "ChangeRequestStatus",
    "CompanyInvitation",
    "EmailChange",
    "ProposedDocument",
    "Company",
    "CompanyMember",
    "CompanyRole",
    "Document",
    "EventKind",
    "LegalForm",
    "Registration",
    "RegistrationEvent",
    "RegistrationStatus",
]
