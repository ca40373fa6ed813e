"""The company's bid page: sealing in the browser (or uploading files sealed offline),
the draft per slot, submitting under a fresh second-factor check, the versions with
their receipts, withdrawing."""

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.accounts.decorators import second_factor_fresh_required
from inaproc.bids.forms import PresealedUploadForm
from inaproc.bids.models import BidVersion
from inaproc.bids.selectors.bids import (
    bid_versions,
    current_bid,
    draft_matches_current,
    participation_for_capability,
    participation_for_upload,
    slot_views,
    upload_open,
)
from inaproc.bids.selectors.ceremony import tender_keys
from inaproc.bids.services.bids import (
    BidRefused,
    bid_submit,
    bid_withdraw,
    draft_file_remove,
    receipt_json,
    sealed_file_store,
)
from inaproc.bids.upload_capability import HEADER as capability_header
from inaproc.bids.upload_capability import (
    UploadCapability,
    capability_expires_at,
    capability_issue,
    capability_read,
)
from inaproc.bids.upload_policy import BidUploadPolicy
from inaproc.core.http import audit_context
from inaproc.core.sessionfree import session_free
from inaproc.portals.http import PortalRequest
from inaproc.portals.urls_helpers import portal_url
from inaproc.seal.encoding import b64u_encode
from inaproc.tenders.models import Participation
from inaproc.tenders.participation_access import access_participation
from inaproc.tenders.selectors.participation import ACTING_ROLES, bid_deadline, package_with_stages
from inaproc.uploads.protocol import tus_endpoint, tus_refusal
from inaproc.vendors.companies.access import CompanyRequest, company_role_required


def _participation(request: CompanyRequest, code: int) -> Participation:
    participation = access_participation(
        portal=request.portal, member=request.company_member, code=code
    )
    package = participation.package
    package_with_stages(package, list(package.stages.all()))
    return participation


def _bid_url(request: CompanyRequest, code: int) -> str:
    return portal_url(request.portal, "bids:bid", code=code)


def _page(request: CompanyRequest, participation: Participation, upload_form=None) -> HttpResponse:
    package = participation.package
    now = timezone.now()
    keys = tender_keys(package)
    views = slot_views(participation, package)
    acting = request.company_member.role in ACTING_ROLES
    deadline = bid_deadline(package)
    context = {
        "package": package,
        "participation": participation,
        "slots": views,
        "keys": keys,
        "open": upload_open(package, now=now),
        "deadline": deadline,
        "current": current_bid(participation),
        "versions": bid_versions(participation),
        "unchanged": draft_matches_current(participation),
        "acting": acting,
        "upload_form": upload_form or PresealedUploadForm(),
        "sealing": json.dumps(
            {
                "tender": str(package.code),
                "endpoint": portal_url(request.portal, "bids:upload", code=package.code),
                "chunkSize": settings.BID_UPLOAD_CHUNK_MB * (1 << 20),
                "capabilityUrl": portal_url(
                    request.portal, "bids:upload_capability", code=package.code
                ),
                **(_capability(request, participation, package.code or 0) or {}),
                "keys": {str(key.envelope): b64u_encode(bytes(key.public_key)) for key in keys},
                "slots": [
                    {
                        "code": view.slot.code,
                        "envelope": view.slot.envelope,
                        "maxBytes": view.max_file_mb * (1 << 20),
                        "extensions": list(view.extensions),
                        "letter": view.slot.is_letter,
                    }
                    for view in views
                ],
                "deadline": deadline.isoformat() if deadline else None,
            }
        ),
    }
    return render(request, "bids/bid.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required()
def bid_view(request: CompanyRequest, code: int) -> HttpResponse:
    """GET: the page. POST (no JavaScript needed): a file sealed offline, for one slot."""
    participation = _participation(request, code)
    if request.method == "GET":
        return _page(request, participation)
    if request.company_member.role not in ACTING_ROLES:
        raise PermissionDenied
    form = PresealedUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sealed_file_store(
                participation=participation,
                user_id=request.user.pk,
                slot_code=form.cleaned_data["slot"],
                source=form.cleaned_data["file"],
            )
        except BidRefused as refusal:
            form.add_error("file", refusal.message)
        else:
            messages.success(
                request,
                _("The sealed file is added to your bid. Submit the bid when it is complete."),
            )
            return HttpResponseRedirect(_bid_url(request, code))
    return _page(request, participation, upload_form=form)


@session_free
@require_http_methods(["OPTIONS", "POST", "HEAD", "PATCH", "DELETE"])
@never_cache
def upload_view(
    request: PortalRequest, code: int, upload_id: uuid.UUID | None = None
) -> HttpResponse:
    """The tus endpoint of the company's bid (uploads app). Authorised by the bid page's
    upload capability (header Upload-Capability), not by the session: each request
    checks it and what it names (`participation_for_capability`), nothing more."""
    portal = getattr(request, "portal", None)
    token = request.headers.get(capability_header, "")
    capability = None if portal is None else capability_read(token, portal_id=portal.pk, code=code)
    if portal is None or capability is None:
        return tus_refusal(
            403, _("The permission to upload is missing or has expired: reload the bid page.")
        )
    # A creation counts the company's upload quota in the same query.
    creation = upload_id is None and request.method == "POST"
    participation = participation_for_capability(
        portal=portal, capability=capability, with_quota=creation
    )
    if participation is None:
        return tus_refusal(403, _("You may not upload to this bid any more: reload the bid page."))
    policy = BidUploadPolicy(participation, uploader_id=capability.user_id)
    return tus_endpoint(request, policy=policy, upload_id=upload_id)


def _capability(
    request: CompanyRequest, participation: Participation, code: int
) -> dict[str, str] | None:
    user_session = getattr(request, "user_session", None)
    if user_session is None:
        return None
    token = capability_issue(
        UploadCapability(
            portal_id=request.portal.pk,
            code=code,
            participation_id=participation.pk,
            user_id=request.user.pk,
            user_session_id=user_session.pk,
        )
    )
    # Whole seconds: a plain ISO 8601 time every browser's Date.parse reads.
    expires_at = capability_expires_at().replace(microsecond=0)
    return {"capability": token, "expiresAt": expires_at.isoformat()}


@require_GET
@never_cache
@company_role_required(*ACTING_ROLES)
def upload_capability_view(request: CompanyRequest, code: int) -> HttpResponse:
    """A fresh upload capability for the bid page's script (JSON), while bids are received."""
    participation = participation_for_upload(
        portal=request.portal, company=request.company_member.company, code=code
    )
    if participation is None:
        raise Http404
    capability = _capability(request, participation, code)
    if capability is None or not upload_open(participation.package, now=timezone.now()):
        return JsonResponse(
            {"error": _("Bids are not received now: the upload stage is closed.")}, status=409
        )
    return JsonResponse(capability)


@require_POST
@never_cache
@company_role_required(*ACTING_ROLES)
def draft_remove_view(request: CompanyRequest, code: int, file_id: int) -> HttpResponseBase:
    participation = _participation(request, code)
    try:
        draft_file_remove(participation=participation, file_id=file_id)
    except BidRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The file is taken out of your bid."))
    return HttpResponseRedirect(_bid_url(request, code))


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(*ACTING_ROLES)
@second_factor_fresh_required
def bid_submit_view(request: CompanyRequest, code: int) -> HttpResponseBase:
    """GET (after the second-factor check): back to the page; POST: submit."""
    if request.method == "GET":
        return HttpResponseRedirect(_bid_url(request, code))
    # The participation with what the bid checks (package, portal, company, stages):
    # what the service would read again under its lock otherwise.
    participation = participation_for_upload(
        portal=request.portal, company=request.company_member.company, code=code
    )
    if participation is None:
        raise Http404
    # A script (Accept: application/json) gets the receipt itself in the answer: the
    # file it keeps, without another request; the page follows the redirect to it.
    as_json = request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    try:
        version = bid_submit(
            participation=participation, user=request.user, context=audit_context(request)
        )
    except BidRefused as refusal:
        if as_json:
            return JsonResponse({"error": refusal.message}, status=409)
        messages.error(request, refusal.message)
        return HttpResponseRedirect(_bid_url(request, code))
    receipt_url = portal_url(request.portal, "bids:receipt", code=code, number=version.number)
    if as_json:
        response = HttpResponse(receipt_json(version), content_type="application/json", status=201)
        response["Location"] = receipt_url
        # A fresh upload capability for the script's next bid (a replacement), so it
        # need not ask for one (docs/sealed-bids.md, "Upload capability").
        capability = _capability(request, participation, code)
        if capability is not None:
            response[capability_header] = capability["capability"]
            response[f"{capability_header}-Expires"] = capability["expiresAt"]
        return response
    messages.success(
        request,
        _("Your bid is received. Keep the receipt: it proves what you sent and when."),
    )
    return HttpResponseRedirect(receipt_url)


@require_http_methods(["GET", "POST"])
@never_cache
@company_role_required(*ACTING_ROLES)
@second_factor_fresh_required
def bid_withdraw_view(request: CompanyRequest, code: int) -> HttpResponseBase:
    participation = _participation(request, code)
    if request.method == "POST":
        try:
            bid_withdraw(
                participation=participation, user=request.user, context=audit_context(request)
            )
        except BidRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("Your bid is withdrawn. You may submit again before the deadline.")
            )
    return HttpResponseRedirect(_bid_url(request, code))


def _version(participation: Participation, number: int) -> BidVersion:
    version = BidVersion.objects.filter(participation=participation, number=number).first()
    if version is None:
        raise Http404
    return version


@require_GET
@never_cache
@company_role_required()
def receipt_view(request: CompanyRequest, code: int, number: int) -> HttpResponse:
    participation = _participation(request, code)
    version = _version(participation, number)
    body = json.loads(version.receipt["body"])
    return render(
        request,
        "bids/receipt.html",
        {
            "package": participation.package,
            "version": version,
            "body": body,
            "files": body.get("files", []),
            "receipt_json": receipt_json(version),
        },
    )


@require_GET
@never_cache
@company_role_required()
def receipt_download_view(request: CompanyRequest, code: int, number: int) -> HttpResponse:
    participation = _participation(request, code)
    version = _version(participation, number)
    response = HttpResponse(receipt_json(version), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="tanda-terima-{code}-v{version.number}.json"'
    )
    return response
