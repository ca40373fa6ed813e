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
from inaproc.tenders.models.officials import Pokja, PokjaMember, TenderSettings
from inaproc.tenders.models.packages import (
    PUBLIC_STATES,
    Package,
    PackageLocation,
    PackageState,
    TenderDocument,
    TenderDocumentKind,
)
from inaproc.tenders.models.participation import (
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
    "FundingSource",
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
