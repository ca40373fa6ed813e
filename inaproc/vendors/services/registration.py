"""A company registers on a portal, confirms its email and, when asked, resubmits."""

import secrets
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.users import password_validate, user_create
from inaproc.accounts.usernames import username_normalize
from inaproc.audit.services import audit_record
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.documents import MULTIPLE_ALLOWED, DocumentKind, document_key
from inaproc.vendors.models import (
    Company,
    CompanyMember,
    CompanyRole,
    Document,
    EventKind,
    HeldUpload,
    LegalForm,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from inaproc.vendors.selectors import registration_for_form_key
from inaproc.vendors.services.uploads import (
    CheckedUpload,
    documents_attach,
    files_remove,
    files_store,
    held_key_hash,
)

DEFAULT_CONFIRMATION_HOURS = 48
DEFAULT_CONFIRMATIONS_PER_HOUR = 3
DEFAULT_UNCONFIRMED_DAYS = 7


@dataclass(frozen=True)
class CompanyData:
    """A company's data as the registration form cleaned it (identity numbers normalised)."""

    name: str
    legal_form: str
    npwp: str
    nib: str
    province: str
    city: str
    street: str
    postal_code: str
    phone: str
    email: str
    representative_name: str
    representative_nik: str
    representative_position: str
    sectors: tuple[str, ...]

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> "CompanyData":
        values = {f.name: data[f.name] for f in fields(cls)}
        values["sectors"] = tuple(values["sectors"])
        return cls(**values)

    @classmethod
    def from_company(cls, company: Company) -> "CompanyData":
        values = {f.name: getattr(company, f.name) for f in fields(cls) if f.name != "sectors"}
        sectors = tuple(company.sectors.order_by("code").values_list("code", flat=True))
        return cls(**values, sectors=sectors)

    def model_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sectors"}


# Fields a verifier may ask to change, and that a resubmission may change. The username,
# password and email stay as registered.
CORRECTABLE_FIELDS = tuple(f.name for f in fields(CompanyData) if f.name not in {"email"})


def confirmation_hours() -> int:
    return getattr(settings, "REGISTRATION_CONFIRMATION_HOURS", DEFAULT_CONFIRMATION_HOURS)


def required_document_kinds(legal_form: str) -> tuple[str, ...]:
    """Document types a registration cannot go without. A sole proprietorship has no deed;
    business licences are optional (for many activities the NIB is the licence)."""
    kinds = [DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.REPRESENTATIVE_ID]
    if legal_form != LegalForm.PERORANGAN:
        kinds.insert(2, DocumentKind.DEED_OF_ESTABLISHMENT)
    return tuple(kinds)


def npwp_taken_message() -> str:
    return _(
        "A company with this NPWP is already registered on this portal. Sign in with its "
        "username, or reset the password if it is forgotten."
    )


def username_taken_message() -> str:
    return _(
        "This username is already taken on this portal. Choose another one, or sign in "
        "if it is yours (you can reset a forgotten password)."
    )


def documents_missing(*, legal_form: str, kinds: set[str]) -> dict[str, str]:
    """{document kind: message} for required types with no file."""
    return {
        kind: _("Upload this document (PDF, JPEG or PNG).")
        for kind in required_document_kinds(legal_form)
        if kind not in kinds
    }


def _too_many_per_kind(kinds: list[str]) -> dict[str, str]:
    return {
        kind: _("Upload only one file of this type.")
        for kind in set(kinds)
        if kind not in MULTIPLE_ALLOWED and kinds.count(kind) > 1
    }


def document_errors(*, legal_form: str, kinds: list[str]) -> dict[str, str]:
    """{`document:<kind>`: message} for a set of files (one kind per file): required
    types missing, and several files of a type that takes one."""
    problems = {
        **documents_missing(legal_form=legal_form, kinds=set(kinds)),
        **_too_many_per_kind(kinds),
    }
    return {document_key(kind): message for kind, message in problems.items()}


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
    request=None,
) -> RegistrationResult:
    """Create the inactive vendor account, the company, its documents (with their end
    dates by type, `valid_until`) and the registration, all or nothing, and email the
    confirmation link (delivered once the email server answers). Raises ValidationError
    keyed by field (or `document:<kind>`).

    Submitting the same form twice (same `form_key`) returns the first registration."""
    key_hash = held_key_hash(form_key)
    existing = registration_for_form_key(portal=portal, key=form_key)
    if existing is not None:
        return RegistrationResult(existing, created=False)

    errors: dict[str, Any] = {}
    if Company.objects.filter(portal=portal, npwp=company.npwp).exists():
        errors["npwp"] = npwp_taken_message()
    username = username_normalize(username)
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
        password_validate(password=password, user=candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    kinds = [item.kind for item in uploads] + [h.kind for h in held]
    errors.update(document_errors(legal_form=company.legal_form, kinds=kinds))
    if errors:
        raise ValidationError(errors)

    written = files_store(items=uploads, portal=portal)
    try:
        with transaction.atomic():
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
            documents_attach(
                company=record,
                written=written,
                held=held,
                valid_until=valid_until,
                uploaded_by=user,
            )
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
                request=request,
            )
            confirmation_send(registration=registration)
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


# --- Email confirmation ------------------------------------------------------------------


def confirmation_token_hash(token: str) -> str:
    return salted_hmac("inaproc.vendors.registration_confirmation", token).hexdigest()


def confirmation_send(*, registration: Registration) -> None:
    """Inside a transaction: a new single-use link (the previous one stops working),
    emailed to the registration's address once the transaction commits."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    registration.confirmation_token_hash = confirmation_token_hash(token)
    registration.confirmation_sent_at = now
    registration.save(update_fields=["confirmation_token_hash", "confirmation_sent_at"])
    RegistrationEvent.objects.create(registration=registration, kind=EventKind.CONFIRMATION_SENT)
    portal = registration.portal
    email_send(
        to=registration.applicant.email,
        portal=portal,
        template="vendors/email/registration_confirm",
        language=get_language(),
        context={
            "company_name": registration.company.name,
            "username": registration.applicant.username,
            "confirm_url": portal_absolute_url(
                portal, "vendors:confirm", token=token, base_url=settings.SITE_URL
            ),
            "valid_hours": confirmation_hours(),
            "expires_at": now + timedelta(hours=confirmation_hours()),
        },
    )


def confirmation_resend_wait(*, registration: Registration) -> int:
    """0 if another confirmation email may go out now, else the seconds to wait."""
    limit = getattr(settings, "REGISTRATION_CONFIRMATIONS_PER_HOUR", DEFAULT_CONFIRMATIONS_PER_HOUR)
    since = timezone.now() - timedelta(hours=1)
    recent = list(
        registration.events.filter(kind=EventKind.CONFIRMATION_SENT, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    return max(1, int((recent[-1] + timedelta(hours=1) - timezone.now()).total_seconds()) + 1)


def confirmation_resend(*, registration_id: int) -> int:
    """Send a new confirmation link unless the limit is reached or the email is already
    confirmed. Returns 0 when sent (or nothing to send), else the seconds to wait."""
    with transaction.atomic():
        registration = (
            # Only this row: FOR UPDATE on the joined portal row would hold up every
            # insert that refers to the portal (audit rows, emails, login attempts).
            Registration.objects.select_for_update(of=("self",))
            .select_related("portal", "company", "applicant")
            .get(pk=registration_id)
        )
        if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
            return 0
        wait = confirmation_resend_wait(registration=registration)
        if wait:
            return wait
        confirmation_send(registration=registration)
    return 0


class ConfirmOutcome:
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"


def confirmation_state(*, portal: Portal, token: str) -> tuple[str, Registration | None]:
    """What a confirmation link stands for, without using it."""
    if not token or len(token) > 100:
        return ConfirmOutcome.INVALID, None
    registration = (
        Registration.objects.select_related("company", "applicant")
        .filter(portal=portal, confirmation_token_hash=confirmation_token_hash(token))
        .first()
    )
    if registration is None:
        return ConfirmOutcome.INVALID, None
    if registration.status != RegistrationStatus.EMAIL_UNCONFIRMED:
        return ConfirmOutcome.ALREADY_CONFIRMED, registration
    expires = registration.confirmation_sent_at + timedelta(hours=confirmation_hours())
    if timezone.now() >= expires:
        return ConfirmOutcome.EXPIRED, registration
    return ConfirmOutcome.CONFIRMED, registration


def registration_confirm_email(
    *, portal: Portal, token: str, request=None
) -> tuple[str, Registration | None]:
    """Use a confirmation link: the registration enters the verifiers' queue. Using it
    again, or after it expired, changes nothing and says so."""
    outcome, registration = confirmation_state(portal=portal, token=token)
    if outcome != ConfirmOutcome.CONFIRMED:
        return outcome, registration
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        outcome, _registration = confirmation_state(portal=portal, token=token)
        if outcome != ConfirmOutcome.CONFIRMED:
            return outcome, registration
        registration.confirm_email(at=timezone.now())
        registration.save()
        RegistrationEvent.objects.create(
            registration=registration, kind=EventKind.EMAIL_CONFIRMED, actor=registration.applicant
        )
        audit_record(
            actor=None,
            verb="registration.email_confirmed",
            target=registration,
            portal=portal,
            request=request,
        )
    return ConfirmOutcome.CONFIRMED, registration


def unconfirmed_days() -> int:
    return getattr(settings, "REGISTRATION_UNCONFIRMED_DAYS", DEFAULT_UNCONFIRMED_DAYS)


def unconfirmed_registrations_prune(*, now=None) -> int:
    """Delete registrations whose email nobody confirmed within REGISTRATION_UNCONFIRMED_DAYS
    of the last link: the inactive account, the company, its documents (rows and files) and
    the registration. This frees the NPWP and username for the real company (someone may
    have registered it with a mistyped or someone else's address) and keeps no personal
    data that nobody confirmed. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=unconfirmed_days())
    stale = Registration.objects.filter(
        status=RegistrationStatus.EMAIL_UNCONFIRMED, confirmation_sent_at__lt=cutoff
    )
    removed = 0
    for registration_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            registration = (
                stale.select_for_update(of=("self",))
                .select_related("company", "applicant", "portal")
                .filter(pk=registration_id)
                .first()
            )
            if registration is None:  # confirmed meanwhile
                continue
            company, applicant = registration.company, registration.applicant
            names = list(company.documents.values_list("stored_name", flat=True))
            audit_record(
                actor=None,
                verb="registration.expired",
                target=registration,
                portal=registration.portal,
                payload={"npwp": company.npwp, "username": applicant.username},
            )
            registration.delete()
            company.documents.all().delete()
            company.delete()
            applicant.delete()
            transaction.on_commit(lambda names=names: files_remove(names=names))
        removed += 1
    return removed


# --- Resubmission after a request for changes ---------------------------------------------


def registration_resubmit(
    *,
    registration_id: int,
    portal: Portal,
    company: CompanyData,
    uploads: list[CheckedUpload],
    remove_document_ids: set[int],
    held: list[HeldUpload] | None = None,
    valid_until: dict[str, date | None] | None = None,
    request=None,
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
            registration = (
                Registration.objects.select_for_update()
                .select_related("company", "applicant")
                .get(pk=registration_id, portal=portal)
            )
            if registration.status != RegistrationStatus.CHANGES_REQUESTED:
                raise RegistrationNotEditable(registration)
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
            kinds = kept_kinds + added_kinds
            errors = document_errors(legal_form=company.legal_form, kinds=kinds)
            if errors:
                raise ValidationError(errors)
            before = CompanyData.from_company(record)
            for name, value in company.model_values().items():
                if name != "email":
                    setattr(record, name, value)
            record.save()
            record.sectors.set(company.sectors)
            now = timezone.now()
            Document.objects.filter(pk__in=[d.pk for d in removed]).update(removed_at=now)
            documents_attach(
                company=record,
                written=written,
                held=held,
                valid_until=valid_until,
                uploaded_by=registration.applicant,
            )
            registration.resubmit(at=now)
            registration.save()
            after = CompanyData.from_company(record)
            changed = sorted(
                name for name in CORRECTABLE_FIELDS if getattr(before, name) != getattr(after, name)
            )
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
                portal=portal,
                payload={"changed_fields": changed},
                request=request,
            )
    except IntegrityError as error:
        # Another company took this NPWP between the check and the save.
        files_remove(names=[fields["stored_name"] for fields in written])
        raise ValidationError({"npwp": npwp_taken_message()}) from error
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise
    return registration


class RegistrationNotEditable(Exception):
    def __init__(self, registration: Registration) -> None:
        super().__init__(f"Registration {registration.pk} is {registration.status}")
        self.registration = registration
