"""Public pages of sealed bids: the tender key file for the offline tool, the
participants (and their prices after the opening), the opening record with the published
private key."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from inaproc.bids.selectors.opening import opened_bids
from inaproc.bids.selectors.public import participants_public, public_keys, slots_of_envelope
from inaproc.seal.encoding import b64u_encode, private_from_scalar
from inaproc.seal.tender_keys import private_pem, tender_key_file
from inaproc.tenders.participation_access import access_public_tender
from inaproc.tenders.selectors.participation import package_with_stages


def _tender(request: HttpRequest, code: int):
    package = access_public_tender(portal=request.portal, code=code)  # type: ignore[attr-defined]
    return package_with_stages(package, list(package.stages.all()))


@require_GET
def tender_key_file_view(request: HttpRequest, code: int, envelope: int) -> HttpResponse:
    package = _tender(request, code)
    key = next((key for key in public_keys(package) if key.envelope == envelope), None)
    if key is None:
        raise Http404
    text = tender_key_file(
        str(package.code), envelope, slots_of_envelope(package, envelope), bytes(key.public_key)
    )
    response = HttpResponse(text, content_type="application/x-pem-file; charset=us-ascii")
    response["Content-Disposition"] = (
        f'attachment; filename="tender-{package.code}-envelope-{envelope}.pem"'
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def participants_view(request: HttpRequest, code: int) -> HttpResponse:
    package = _tender(request, code)
    count, rows = participants_public(package, now=timezone.now())
    return render(
        request,
        "bids/public/participants.html",
        {"package": package, "count": count, "rows": rows, "current": "participants"},
    )


@require_GET
def opening_record_view(request: HttpRequest, code: int) -> HttpResponse:
    package = _tender(request, code)
    envelopes = []
    for key in public_keys(package):
        scalar = bytes(key.private_scalar) if key.opened_at and key.private_scalar else None
        envelopes.append(
            {
                "key": key,
                "results": opened_bids(key) if key.opened_at else [],
                "private_b64u": b64u_encode(scalar) if scalar else "",
                "private_pem": private_pem(private_from_scalar(scalar)) if scalar else "",
            }
        )
    return render(
        request,
        "bids/public/opening.html",
        {"package": package, "envelopes": envelopes, "current": "opening"},
    )
