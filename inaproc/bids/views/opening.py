"""The runners' opening page: per envelope, who has sent a share, sending one's own
(decrypted in the browser from the key file), and the opened bids with their files."""

import logging

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.bids.forms import EnvelopeForm, ShareForm
from inaproc.bids.models import KeyShare, OpenedFile, OpeningStatus, TenderKey
from inaproc.bids.selectors.ceremony import tender_keys
from inaproc.bids.selectors.opening import opened_bids, opening_refusal, shares_sent
from inaproc.bids.services.keys import KEY_HOLDER_ROLES
from inaproc.bids.services.opening import OpeningRefused, envelope_open, opening_share_submit
from inaproc.bids.tasks import open_envelope
from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.portals.urls_helpers import portal_url
from inaproc.seal.encoding import b64u_encode
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.participation import package_with_stages

logger = logging.getLogger(__name__)


def _package(request: SignedInRequest, package_id: int) -> Package:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    return package_with_stages(package, list(package.stages.all()))


def _key(package: Package, envelope: int) -> TenderKey:
    key = TenderKey.objects.filter(package=package, envelope=envelope).first()
    if key is None:
        raise Http404
    key.package = package
    return key


def _back(package: Package) -> HttpResponseRedirect:
    return HttpResponseRedirect(portal_url(package.portal, "bids:opening", package_id=package.pk))


@require_GET
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
def opening_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    now = timezone.now()
    envelopes = []
    for key in tender_keys(package):
        key.package = package
        mine = KeyShare.objects.filter(tender_key=key, member=request.user).first()
        sent = shares_sent(key)
        envelopes.append(
            {
                "key": key,
                "refusal": opening_refusal(key, now=now),
                "sent": sent,
                "sent_by_me": any(share.member_id == request.user.pk for share in sent),
                "my_share": (
                    {
                        "epk": b64u_encode(bytes(mine.ephemeral_key)),
                        "ciphertext": b64u_encode(bytes(mine.ciphertext)),
                        "fingerprint": mine.opening_key.fingerprint,
                    }
                    if mine is not None
                    else None
                ),
                "results": opened_bids(key),
                "rebuilt": key.private_scalar is not None,
            }
        )
    return render(
        request,
        "bids/opening.html",
        {"package": package, "envelopes": envelopes, "form": ShareForm()},
    )


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
@second_factor_fresh_required
def share_send_view(request: SignedInRequest, package_id: int) -> HttpResponseBase:
    package = _package(request, package_id)
    if request.method == "GET":
        return _back(package)
    form = ShareForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(package)
    key = _key(package, form.cleaned_data["envelope"])
    try:
        rebuilt = opening_share_submit(
            key=key,
            member=request.user,
            share=form.cleaned_data["share"],
            context=audit_context(request),
        )
    except OpeningRefused as refusal:
        messages.error(request, refusal.message)
        return _back(package)
    if not rebuilt:
        messages.success(
            request,
            _("Your share is received. The bids open when enough members have sent theirs."),
        )
        return _back(package)
    _open(key)
    return _back(package)


@require_POST
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
def opening_continue_view(request: SignedInRequest, package_id: int) -> HttpResponseBase:
    """Finish an opening that stopped half-way (a crash, a timeout): idempotent."""
    package = _package(request, package_id)
    form = EnvelopeForm(request.POST)
    if form.is_valid():
        key = _key(package, form.cleaned_data["envelope"])
        if key.private_scalar is not None and key.opened_at is None:
            _open(key)
    return _back(package)


def _open(key: TenderKey) -> None:
    """Open now; should this request die half-way, the queued task (or the page's
    "continue" button, or `manage.py open_envelopes`) finishes it without opening twice."""
    transaction.on_commit(lambda: open_envelope.enqueue(tender_key_id=key.pk))
    try:
        envelope_open(key=key)
    except Exception:  # the task finishes it; the page says where it stands
        logger.exception("opening envelope %s stopped", key.pk)


@require_GET
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
def opened_file_view(request: SignedInRequest, package_id: int, file_id: int) -> HttpResponseBase:
    package = _package(request, package_id)
    opened = (
        OpenedFile.objects.filter(
            pk=file_id, tender_key__package=package, status=OpeningStatus.OPENED
        )
        .exclude(stored_name="")
        .first()
    )
    if opened is None:
        raise Http404
    return stored_file_response(request, opened, download=True)  # type: ignore[arg-type]
