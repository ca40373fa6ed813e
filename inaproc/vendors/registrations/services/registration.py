"""A company registers on a portal, confirms its email and, when asked, resubmits."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.users import password_validate, user_create
from inaproc.accounts.usernames import username_normalize
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.files.models import HeldUpload
from inaproc.files.services import CheckedUpload, files_remove, files_store, held_key_hash
from inaproc.portals.models import Portal
from inaproc.vendors.companies.data import CORRECTABLE_FIELDS, CompanyData, npwp_taken_message
from inaproc.vendors.companies.documents import document_errors
from inaproc.vendors.companies.services.documents import documents_attach
from inaproc.vendors.models import (
    Company,
    CompanyMember,
    CompanyRole,
    Document,
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from inaproc.vendors.registrations.selectors import registration_for_form_key
from inaproc.vendors.registrations.services.confirmation import confirmation_send


def username_taken_message() -> str:
    return _(
        "This username is already taken on this portal. Choose another one, or sign in "
        "if it is yours (you can reset a forgotten password)."
    )


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool  # False: the same form was submitted again


def registration_create(
    *,
    portal: Portal,
    company: CompanyData,
    username: str,
    password: str,
    uploads: list[CheckedUpload],
    held: list[HeldUpload],
    form_key: str,
    valid_until: dict[str, date | None] | None = None,
    context: AuditContext | None = None,
) -> RegistrationResult:
    """Create the inactive vendor account, the company, its documents (with their end
    dates by type, `valid_until`) and the registration, all or nothing, and email the
    confirmation link (delivered once the email server answers). Raises ValidationError
    keyed by field (or `document:<kind>`).

    Submitting the same form twice (same `form_key`) returns the first registration."""
    existing = registration_for_form_key(portal=portal, key=form_key)
    if existing is not None:
        return RegistrationResult(existing, created=False)
    username = username_normalize(username)
    _registration_check(
        portal=portal,
        company=company,
        username=username,
        password=password,
        uploads=uploads,
        held=held,
    )
    written = files_store(items=uploads, portal=portal)
    try:
        with transaction.atomic():
            registration = _registration_insert(
                portal=portal,
                company=company,
                username=username,
                password=password,
                documents={"written": written, "held": held, "valid_until": valid_until},
                key_hash=held_key_hash(form_key),
                context=context,
            )
    except (IntegrityError, ValidationError) as error:
        files_remove(names=[fields["stored_name"] for fields in written])
        # A concurrent registration of the same NPWP or username, or the same form twice
        # (`user_create` reports a concurrent username as a ValidationError).
        existing = registration_for_form_key(portal=portal, key=form_key)
        if existing is not None:
            return RegistrationResult(existing, created=False)
        if isinstance(error, ValidationError):
            raise
        raise ValidationError(
            {"npwp": npwp_taken_message()}
            if Company.objects.filter(portal=portal, npwp=company.npwp).exists()
            else {"username": username_taken_message()}
        ) from error
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise
    return RegistrationResult(registration, created=True)


def _registration_check(
    *,
    portal: Portal,
    company: CompanyData,
    username: str,
    password: str,
    uploads: list[CheckedUpload],
    held: list[HeldUpload],
) -> None:
    """Every error of the registration at once (NPWP, username, password, documents)."""
    errors: dict[str, Any] = {}
    if Company.objects.filter(portal=portal, npwp=company.npwp).exists():
        errors["npwp"] = npwp_taken_message()
    if User.objects.filter(portal=portal, username__iexact=username).exists():
        errors["username"] = username_taken_message()
    candidate = User(
        portal=portal,
        role=Role.VENDOR,
        username=username,
        email=company.email,
        full_name=company.representative_name,
    )
    try:
        password_validate(
            password=password, user=candidate, company_name=company.name, npwp=company.npwp
        )
    except ValidationError as error:
        errors["password"] = error.messages
    kinds = [item.kind for item in uploads] + [h.kind for h in held]
    errors.update(document_errors(legal_form=company.legal_form, kinds=kinds))
    if errors:
        raise ValidationError(errors)


def _registration_insert(
    *,
    portal: Portal,
    company: CompanyData,
    username: str,
    password: str,
    documents: dict[str, Any],
    key_hash: str,
    context: AuditContext | None,
) -> Registration:
    """Inside the caller's transaction: the account, company, membership, documents,
    registration, its first history row, the audit row and the confirmation email."""
    user = user_create(
        portal=portal,
        role=Role.VENDOR,
        username=username,
        email=company.email,
        password=password,
        full_name=company.representative_name,
        notify=False,
        is_active=False,
    )
    record = Company.objects.create(portal=portal, **company.model_values())
    record.sectors.set(company.sectors)
    CompanyMember.objects.create(company=record, user=user, role=CompanyRole.ADMIN)
    documents_attach(company=record, uploaded_by=user, **documents)
    registration = Registration.objects.create(
        portal=portal, company=record, applicant=user, form_key_hash=key_hash
    )
    RegistrationEvent.objects.create(
        registration=registration, kind=EventKind.REGISTERED, actor=user
    )
    audit_record(
        actor=None,
        verb="registration.created",
        target=registration,
        portal=portal,
        payload={"npwp": company.npwp, "username": username},
        context=context,
    )
    confirmation_send(registration=registration)
    return registration


def registration_resubmit(
    *,
    registration_id: int,
    portal: Portal,
    company: CompanyData,
    uploads: list[CheckedUpload],
    remove_document_ids: set[int],
    held: list[HeldUpload] | None = None,
    valid_until: dict[str, date | None] | None = None,
    context: AuditContext | None = None,
) -> Registration:
    """The applicant corrected the data and documents: save the changes and put the
    registration back in the queue as resubmitted. Raises ValidationError keyed by field
    (or `document:<kind>`), or `RegistrationNotEditable` if it is no longer awaiting
    changes. `held`: files kept from an earlier failed submit of the same form;
    `valid_until`: end dates of the added files by document type."""
    held = list(held or [])
    written = files_store(items=uploads, portal=portal)
    try:
        with transaction.atomic():
            registration = _locked_for_resubmit(registration_id=registration_id, portal=portal)
            record = registration.company
            if (
                Company.objects.filter(portal=portal, npwp=company.npwp)
                .exclude(pk=record.pk)
                .exists()
            ):
                raise ValidationError({"npwp": npwp_taken_message()})
            current = list(record.documents.filter(removed_at__isnull=True))
            removed = [d for d in current if d.pk in remove_document_ids]
            kept_kinds = [d.kind for d in current if d.pk not in remove_document_ids]
            added_kinds = [item.kind for item in uploads] + [h.kind for h in held]
            errors = document_errors(legal_form=company.legal_form, kinds=kept_kinds + added_kinds)
            if errors:
                raise ValidationError(errors)
            changed = _resubmission_apply(
                registration,
                company=company,
                removed=removed,
                documents={"written": written, "held": held, "valid_until": valid_until},
            )
            _resubmission_record(
                registration,
                changed=changed,
                added_kinds=added_kinds,
                removed=removed,
                context=context,
            )
    except IntegrityError as error:
        # Another company took this NPWP between the check and the save.
        files_remove(names=[fields["stored_name"] for fields in written])
        raise ValidationError({"npwp": npwp_taken_message()}) from error
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise
    return registration


def _locked_for_resubmit(*, registration_id: int, portal: Portal) -> Registration:
    registration = (
        Registration.objects.select_for_update()
        .select_related("company", "applicant")
        .get(pk=registration_id, portal=portal)
    )
    if registration.status != RegistrationStatus.CHANGES_REQUESTED:
        raise RegistrationNotEditable(registration)
    return registration


def _resubmission_apply(
    registration: Registration,
    *,
    company: CompanyData,
    removed: list[Document],
    documents: dict[str, Any],
) -> list[str]:
    """Save the corrected data and documents and move the registration to resubmitted;
    the names of the correctable fields that changed."""
    record = registration.company
    before = CompanyData.from_company(record)
    for name, value in company.model_values().items():
        if name != "email":
            setattr(record, name, value)
    record.save()
    record.sectors.set(company.sectors)
    now = timezone.now()
    Document.objects.filter(pk__in=[d.pk for d in removed]).update(removed_at=now)
    documents_attach(company=record, uploaded_by=registration.applicant, **documents)
    registration.resubmit(at=now)
    registration.save()
    after = CompanyData.from_company(record)
    return sorted(
        name for name in CORRECTABLE_FIELDS if getattr(before, name) != getattr(after, name)
    )


def _resubmission_record(
    registration: Registration,
    *,
    changed: list[str],
    added_kinds: list[str],
    removed: list[Document],
    context: AuditContext | None,
) -> None:
    RegistrationEvent.objects.create(
        registration=registration,
        kind=EventKind.RESUBMITTED,
        actor=registration.applicant,
        notes={
            "changed_fields": changed,
            "documents_added": added_kinds,
            "documents_removed": [d.kind for d in removed],
        },
    )
    audit_record(
        actor=registration.applicant,
        verb="registration.resubmitted",
        target=registration,
        portal=registration.portal,
        payload={"changed_fields": changed},
        context=context,
    )


class RegistrationNotEditable(Exception):
    def __init__(self, registration: Registration) -> None:
        super().__init__(f"Registration {registration.pk} is {registration.status}")
        self.registration = registration
