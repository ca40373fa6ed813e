"""Writes of the award: the PPK issues the award letter (SPPBJ) to the announced winner
once objections allow it, then records the contract. Each under the package's row lock,
audited, appended to the transparency log (the contract also becomes an OCDS release
through the log's hook), the letter emailed to the winning company after commit."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.award.models import AwardLetter, Contract
from inaproc.award.pdf import LetterContent, award_letter_pdf
from inaproc.award.selectors import (
    above_ceiling,
    contract_refusal,
    is_package_ppk,
    letter_refusal,
    winner_addresses,
    winner_price,
)
from inaproc.award.validators import clean_number
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.evaluation.selectors.public import AnnouncedResult, announced_result, public_winner
from inaproc.files.storage import StoredFile, document_delete, stream_store
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders.models import Package
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.participation_mail import email_to
from inaproc.translog.services import append_entry, utc_iso

LETTER_EMAIL = "award/email/letter_issued"
MAX_DURATION_DAYS = 3650


class AwardRefused(ApplicationError):
    """The award write cannot happen; the message says why."""


def _locked_for_ppk(package: Package, user: User) -> Package:
    locked = package_locked(package.pk)
    if not is_package_ppk(package=locked, user=user):
        raise AwardRefused(_("Only the package's PPK may do this."))
    return locked


def _number(value: str) -> str:
    try:
        return clean_number(value)
    except ValidationError as error:
        raise AwardRefused(error.messages[0]) from None


def award_letter_issue(
    *,
    package: Package,
    user: User,
    number: str,
    letter_date: date,
    context: AuditContext | None = None,
) -> AwardLetter:
    """Issue the SPPBJ: the announced winner at its corrected (or negotiated) price, a
    generated PDF kept as a private document, emailed to the winning company. Refused
    before the objection period (and any appeal) ends, without an announced winner, by
    anyone but the package's PPK, twice, or with a number this portal already used."""
    number = _number(number)
    with transaction.atomic():
        locked = _locked_for_ppk(package, user)
        refusal = letter_refusal(locked, now=timezone.now())
        if refusal:
            raise AwardRefused(refusal)
        if AwardLetter.objects.filter(portal=locked.portal, number=number).exists():
            raise AwardRefused(_("This portal already has an award letter with this number."))
        result = announced_result(locked)
        winner = public_winner(locked)
        price = winner_price(locked)
        if result is None or winner is None or price is None:
            raise AwardRefused(_("No winner is announced yet."))
        content = LetterContent(
            number=number,
            letter_date=letter_date,
            package_code=locked.code or 0,
            package_name=locked.name,
            institution=locked.institution,
            work_unit=locked.work_unit,
            winner_name=winner.name,
            winner_npwp=winner.npwp,
            winner_address=winner.address,
            price=price,
            ppk_name=user.full_name or user.username,
        )
        stored = stream_store(
            source=io.BytesIO(award_letter_pdf(content)),
            portal_id=locked.portal_id,
            extension="pdf",
            content_type="application/pdf",
        )
        try:
            letter = _letter_save(
                locked, user=user, result=result, content=content, stored=stored, context=context
            )
        except BaseException:
            # Refused or failed: the PDF is not kept (the rows roll back with it).
            document_delete(name=stored.name)
            raise
    return letter


def _letter_save(
    package: Package,
    *,
    user: User,
    result: AnnouncedResult,
    content: LetterContent,
    stored: StoredFile,
    context: AuditContext | None,
) -> AwardLetter:
    try:
        with transaction.atomic():
            letter = AwardLetter.objects.create(
                portal=package.portal,
                package=package,
                winner=result.winner,
                number=content.number,
                letter_date=content.letter_date,
                price=content.price,
                issued_by=user,
                kind="sppbj",
                stored_name=stored.name,
                original_name=f"SPPBJ-{package.code}.pdf",
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
    except IntegrityError:
        raise AwardRefused(_("This portal already has an award letter with this number.")) from None
    _record(
        package,
        user=user,
        verb="tender.award_letter_issued",
        payload={"letter": letter.pk, "number": content.number},
        log={
            "number": content.number,
            "letter_date": content.letter_date.isoformat(),
            "issued_at": utc_iso(letter.issued_at),
            "winner": {"npwp": content.winner_npwp, "name": content.winner_name},
            "price": str(int(content.price)),
        },
        context=context,
    )
    email_to(
        winner_addresses(result.winner),
        package=package,
        template=LETTER_EMAIL,
        context={
            "letter": letter,
            "letter_url": portal_absolute_url(
                package.portal, "award:vendor_award", code=package.code
            ),
        },
    )
    return letter


@dataclass(frozen=True)
class ContractInput:
    number: str
    signed_on: date
    value: Decimal
    ppk_name: str
    ppk_position: str
    vendor_signatory_name: str
    vendor_signatory_position: str
    starts_on: date
    ends_on: date | None = None
    duration_days: int | None = None
    justification: str = ""


def contract_period(data: ContractInput) -> tuple[date, int]:
    """The end date and the duration in calendar days (both ends counted) from either;
    AwardRefused when neither, when they disagree or when the end is before the start."""
    if data.ends_on is None and data.duration_days is None:
        raise AwardRefused(_("Give the end date or the duration in days."))
    if data.duration_days is not None and not 1 <= data.duration_days <= MAX_DURATION_DAYS:
        raise AwardRefused(
            _("The duration is from 1 to %(days)d days.") % {"days": MAX_DURATION_DAYS}
        )
    if data.ends_on is not None:
        if data.ends_on < data.starts_on:
            raise AwardRefused(_("The end date is before the start date."))
        days = (data.ends_on - data.starts_on).days + 1
        if data.duration_days is not None and data.duration_days != days:
            raise AwardRefused(
                _("The end date and the duration disagree: from the dates it is %(days)d days.")
                % {"days": days}
            )
        if days > MAX_DURATION_DAYS:
            raise AwardRefused(
                _("The duration is from 1 to %(days)d days.") % {"days": MAX_DURATION_DAYS}
            )
        return data.ends_on, days
    days = data.duration_days or 1
    return data.starts_on + timedelta(days=days - 1), days


def ceiling_message(exceeded: list[str]) -> str:
    if exceeded == ["hps"]:
        return _("The value is above the HPS: write the justification.")
    if exceeded == ["pagu"]:
        return _("The value is above the pagu: write the justification.")
    return _("The value is above the HPS and the pagu: write the justification.")


def contract_record(
    *, package: Package, user: User, data: ContractInput, context: AuditContext | None = None
) -> Contract:
    """Record the signed contract after the award letter. A value above the HPS or the
    pagu needs a written justification (kept and shown). Audited, logged (an OCDS
    contract release follows from the log)."""
    number = _number(data.number)
    if data.value is None or data.value <= 0:
        raise AwardRefused(_("The amount must be more than zero."))
    for label, text in (
        (_("PPK's name"), data.ppk_name),
        (_("PPK's position"), data.ppk_position),
        (_("vendor signatory's name"), data.vendor_signatory_name),
        (_("vendor signatory's position"), data.vendor_signatory_position),
    ):
        if not text.strip():
            raise AwardRefused(_("Fill in the %(field)s.") % {"field": label})
    ends_on, days = contract_period(data)
    justification = data.justification.strip()
    with transaction.atomic():
        locked = _locked_for_ppk(package, user)
        refusal = contract_refusal(locked)
        if refusal:
            raise AwardRefused(refusal)
        exceeded = above_ceiling(locked, data.value)
        if exceeded and not justification:
            raise AwardRefused(ceiling_message(exceeded))
        if Contract.objects.filter(portal=locked.portal, number=number).exists():
            raise AwardRefused(_("This portal already has a contract with this number."))
        letter = AwardLetter.objects.select_related("winner__company").get(package=locked)
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    portal=locked.portal,
                    package=locked,
                    award_letter=letter,
                    number=number,
                    signed_on=data.signed_on,
                    value=data.value,
                    justification=justification if exceeded else "",
                    ppk_name=data.ppk_name.strip(),
                    ppk_position=data.ppk_position.strip(),
                    vendor_signatory_name=data.vendor_signatory_name.strip(),
                    vendor_signatory_position=data.vendor_signatory_position.strip(),
                    starts_on=data.starts_on,
                    ends_on=ends_on,
                    duration_days=days,
                    recorded_by=user,
                )
        except IntegrityError:
            raise AwardRefused(_("This portal already has a contract with this number.")) from None
        company = letter.winner.company
        _record(
            locked,
            user=user,
            verb="tender.contract_signed",
            payload={"contract": contract.pk, "number": number, "above": exceeded},
            reason=contract.justification,
            log={
                "number": number,
                "signed_on": data.signed_on.isoformat(),
                "value": str(int(data.value)),
                "starts_on": data.starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "duration_days": days,
                "supplier": {"npwp": company.npwp, "name": company.name},
                "justification": contract.justification,
            },
            context=context,
        )
    return contract


def _record(
    package: Package,
    *,
    user: User,
    verb: str,
    payload: dict,
    log: dict,
    reason: str = "",
    context: AuditContext | None = None,
) -> None:
    audit_record(
        actor=user,
        verb=verb,
        target=package,
        portal=package.portal,
        payload={"code": package.code, **payload},
        reason=reason,
        context=context,
    )
    append_entry(portal=package.portal, kind=verb, body={"tender": str(package.code), **log})
