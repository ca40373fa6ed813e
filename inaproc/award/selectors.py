"""Reads of the award: whether (and why not) the award letter or the contract may be
made now, the winner's price, who may read the letter's PDF, and what the public and the
winning company see."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.award.models import AwardLetter, Contract
from inaproc.evaluation.selectors.public import announced_result, public_winner
from inaproc.objections.selectors import objection_block
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import Package, PackageState, Participation
from inaproc.tenders.selectors.participation import ACTING_ROLES
from inaproc.vendors.models import CompanyMember


def award_letter_of(package: Package) -> AwardLetter | None:
    return AwardLetter.objects.filter(package=package).select_related("winner__company").first()


def contract_of(package: Package) -> Contract | None:
    return Contract.objects.filter(package=package).first()


def is_package_ppk(*, package: Package, user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.portal_id == package.portal_id
        and package.ppk_id == user.pk
        and user.has_role(Role.PPK)
    )


def winner_price(package: Package) -> Decimal | None:
    """The price the letter names: the negotiated price where there is one, else the
    corrected price (the offer when nothing was corrected)."""
    winner = public_winner(package)
    if winner is None:
        return None
    return winner.negotiated_price or winner.corrected_price or winner.offer_price


def letter_refusal(package: Package, *, now: datetime) -> str | None:
    """Why the award letter may not be issued now (translated), or None when it may."""
    if award_letter_of(package) is not None:
        return _("The award letter of this tender is already issued.")
    if package.state != PackageState.PUBLISHED:
        return objection_block(package, now=now) or _("This tender is not running.")
    if announced_result(package) is None:
        return _("No winner is announced yet.")
    return objection_block(package, now=now)


def contract_refusal(package: Package) -> str | None:
    """Why the contract may not be recorded now (translated), or None when it may."""
    if award_letter_of(package) is None:
        return _("Issue the award letter (SPPBJ) first.")
    if contract_of(package) is not None:
        return _("The contract of this tender is already recorded.")
    if package.state != PackageState.PUBLISHED:
        return _("This tender is not running.")
    return None


def above_ceiling(package: Package, value: Decimal) -> list[str]:
    """The package figures `value` exceeds: "hps", "pagu"."""
    names = []
    if package.hps is not None and value > package.hps:
        names.append("hps")
    if package.pagu is not None and value > package.pagu:
        names.append("pagu")
    return names


def winner_members(participation: Participation):
    """The winning company's active users."""
    return CompanyMember.objects.filter(
        company_id=participation.company_id, suspended_at__isnull=True, user__is_active=True
    )


def winner_addresses(participation: Participation) -> list[str]:
    """The winning company's own address and its acting users', each once."""
    members = winner_members(participation).filter(role__in=ACTING_ROLES)
    addresses = [participation.company.email, *members.values_list("user__email", flat=True)]
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.strip():
            seen.setdefault(address.strip().lower(), address.strip())
    return sorted(seen.values())


def may_read_letter(letter: AwardLetter, user: User) -> bool:
    """The letter's PDF is private: the package's PPK, its Pokja (or Pejabat
    Pengadaan), and the winning company's users."""
    package = letter.package
    if not (user.is_authenticated and user.is_active and user.portal_id == package.portal_id):
        return False
    if is_package_ppk(package=package, user=user) or is_runner(package=package, user=user):
        return True
    return winner_members(letter.winner).filter(user=user).exists()


@dataclass(frozen=True)
class PublicContract:
    """What the public sees of a contract (never the award letter's PDF)."""

    number: str
    signed_on: date
    value: Decimal
    starts_on: date
    ends_on: date
    duration_days: int
    justification: str
    winner_name: str
    winner_npwp: str


def public_contract(package: Package) -> PublicContract | None:
    contract = (
        Contract.objects.filter(package=package)
        .select_related("award_letter__winner__company")
        .first()
    )
    if contract is None:
        return None
    company = contract.award_letter.winner.company
    return PublicContract(
        number=contract.number,
        signed_on=contract.signed_on,
        value=contract.value,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        duration_days=contract.duration_days,
        justification=contract.justification,
        winner_name=company.name,
        winner_npwp=company.npwp,
    )


def company_award(participation: Participation) -> tuple[AwardLetter | None, Contract | None]:
    """The award letter and contract of the company's participation, if it won them."""
    letter = AwardLetter.objects.filter(winner=participation).first()
    if letter is None:
        return None, None
    return letter, Contract.objects.filter(award_letter=letter).first()
