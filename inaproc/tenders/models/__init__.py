"""Tenders: officials' groups, packages and their tenders, schedules, participation and
clarification (TENDERS.md)."""

from inaproc.tenders.models.choices import (
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    FundingSource,
    ProcurementType,
    QualificationMethod,
    SelectionMethod,
)
from inaproc.tenders.models.invitations import Invitation
from inaproc.tenders.models.officials import Pokja, PokjaMember, TenderSettings
from inaproc.tenders.models.packages import (
    PUBLIC_STATES,
    FailureReason,
    Package,
    PackageLocation,
    PackageState,
    TenderDocument,
    TenderDocumentKind,
)
from inaproc.tenders.models.participation import (
    FailureApproval,
    Participation,
    ParticipationReminder,
    PublicationApproval,
    Question,
    QuestionAttachment,
    ReminderKind,
)
from inaproc.tenders.models.schedule import ScheduleChange, ScheduleStage

__all__ = [
    "PUBLIC_STATES",
    "BusinessQualification",
    "ContractType",
    "DocumentMethod",
    "EvaluationMethod",
    "FailureApproval",
    "FailureReason",
    "FundingSource",
    "Invitation",
    "Package",
    "PackageLocation",
    "PackageState",
    "Participation",
    "ParticipationReminder",
    "Pokja",
    "PokjaMember",
    "ProcurementType",
    "PublicationApproval",
    "QualificationMethod",
    "Question",
    "QuestionAttachment",
    "ReminderKind",
    "ScheduleChange",
    "ScheduleStage",
    "SelectionMethod",
    "TenderDocument",
    "TenderDocumentKind",
    "TenderSettings",
]
