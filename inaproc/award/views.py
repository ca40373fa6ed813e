"""The award pages: the PPK's (issue the award letter, record the contract), the
letter's PDF for its readers, and the winning company's view of both."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.award.access import access_letter_by_package, access_package_for_award
from inaproc.award.forms import AwardLetterForm, ContractForm
from inaproc.award.selectors import (
    award_letter_of,
    company_award,
    contract_of,
    contract_refusal,
    letter_refusal,
    winner_price,
)
from inaproc.award.services import AwardRefused, ContractInput, award_letter_issue, contract_record
from inaproc.core.http import audit_context
from inaproc.evaluation.selectors.public import public_winner
from inaproc.files.responses import stored_file_response
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.models import Package
from inaproc.tenders.participation_access import access_participation
from inaproc.vendors.companies.access import CompanyRequest, company_role_required

LETTER_READER_ROLES = (Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN)


def _package(request: SignedInRequest, package_id: int) -> Package:
    return access_package_for_award(portal=request.portal, user=request.user, package_id=package_id)


def _page(
    request: SignedInRequest,
    package: Package,
    *,
    letter_form: AwardLetterForm | None = None,
    contract_form: ContractForm | None = None,
    status: int = 200,
) -> HttpResponse:
    letter = award_letter_of(package)
    letter_block = None if letter else letter_refusal(package, now=timezone.now())
    contract = contract_of(package)
    contract_block = None if contract else contract_refusal(package)
    if letter is None and letter_block is None and letter_form is None:
        letter_form = AwardLetterForm(initial={"letter_date": timezone.localdate()})
    if contract is None and contract_block is None and contract_form is None:
        contract_form = ContractForm(
            package=package,
            initial={"ppk_name": request.user.full_name, "value": letter.price if letter else None},
        )
    context = {
        "package": package,
        "winner": public_winner(package),
        "price": winner_price(package),
        "letter": letter,
        "letter_block": letter_block,
        "letter_form": letter_form,
        "contract": contract,
        "contract_block": contract_block,
        "contract_form": contract_form,
    }
    return render(request, "award/staff.html", context, status=status)


def _back(request: SignedInRequest, package: Package) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        portal_url(request.portal, "award:staff_award", package_id=package.pk)
    )


@require_GET
@never_cache
@portal_role_required(Role.PPK)
def staff_award_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    return _page(request, _package(request, package_id))


@require_POST
@portal_role_required(Role.PPK)
def letter_issue_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    form = AwardLetterForm(request.POST)
    if not form.is_valid():
        return _page(request, package, letter_form=form, status=200)
    try:
        award_letter_issue(
            package=package,
            user=request.user,
            number=form.cleaned_data["number"],
            letter_date=form.cleaned_data["letter_date"],
            context=audit_context(request),
        )
    except AwardRefused as refusal:
        form.add_error(None, refusal.message)
        return _page(request, package, letter_form=form, status=200)
    messages.success(request, _("The award letter is issued and emailed to the winner."))
    return _back(request, package)


@require_POST
@portal_role_required(Role.PPK)
def contract_record_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    form = ContractForm(request.POST, package=package)
    if not form.is_valid():
        return _page(request, package, contract_form=form, status=200)
    data = form.cleaned_data
    try:
        contract_record(
            package=package,
            user=request.user,
            data=ContractInput(
                number=data["number"],
                signed_on=data["signed_on"],
                value=data["value"],
                ppk_name=data["ppk_name"],
                ppk_position=data["ppk_position"],
                vendor_signatory_name=data["vendor_signatory_name"],
                vendor_signatory_position=data["vendor_signatory_position"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                duration_days=data["duration_days"],
                justification=data["justification"],
            ),
            context=audit_context(request),
        )
    except AwardRefused as refusal:
        form.add_error(None, refusal.message)
        return _page(request, package, contract_form=form, status=200)
    messages.success(request, _("The contract is recorded and public."))
    return _back(request, package)


@require_GET
@never_cache
@xframe_options_sameorigin
@portal_role_required(*LETTER_READER_ROLES)
def staff_letter_view(request: SignedInRequest, package_id: int) -> HttpResponseBase:
    letter = access_letter_by_package(
        portal=request.portal, user=request.user, package_id=package_id
    )
    return stored_file_response(request, letter, download="unduh" in request.GET)


@require_GET
@never_cache
@company_role_required()
def vendor_award_view(request: CompanyRequest, code: int) -> HttpResponse:
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    letter, contract = company_award(participation)
    context = {"package": participation.package, "letter": letter, "contract": contract}
    return render(request, "award/vendor.html", context)


@require_GET
@never_cache
@xframe_options_sameorigin
@company_role_required()
def vendor_letter_view(request: CompanyRequest, code: int) -> HttpResponseBase:
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    letter, _contract = company_award(participation)
    if letter is None:
        raise Http404
    return stored_file_response(request, letter, download="unduh" in request.GET)
