"""The official's opening key page and a package's tender keys page (the ceremony).
Both need the browser's crypto; without JavaScript they say so."""

import json

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.bids.forms import OpeningKeyForm, TenderKeysForm
from inaproc.bids.selectors.ceremony import ceremony_blockers, tender_keys
from inaproc.bids.selectors.keys import (
    current_opening_key,
    key_holders,
    opening_keys_of,
    opening_threshold,
)
from inaproc.bids.services.ceremony import (
    CeremonyRefused,
    ceremony_payload_parse,
    tender_keys_record,
)
from inaproc.bids.services.keys import KEY_HOLDER_ROLES, KeyRefused, opening_key_register
from inaproc.bids.slots import envelopes_for
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.seal.encoding import b64u_encode
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.models import PackageState


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
@second_factor_fresh_required
def opening_key_view(request: SignedInRequest) -> HttpResponse:
    """Create (or replace) the opening key: the browser makes it and offers the key file;
    the form sends only the public key."""
    current = current_opening_key(request.user)
    form = OpeningKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opening_key_register(
                user=request.user,
                public_key=form.cleaned_data["public_key"],
                replace=form.cleaned_data["replace"],
                context=audit_context(request),
            )
        except KeyRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Your opening key is registered. Keep the key file and its passphrase safe."),
            )
            return HttpResponseRedirect(portal_url(request.portal, "bids:opening_key"))
    context = {
        "form": form,
        "current": current,
        "keys": opening_keys_of(request.user),
        "portal_slug": request.portal.slug,
    }
    return render(request, "bids/opening_key.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
@second_factor_fresh_required
def tender_keys_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    form = TenderKeysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tender_keys_record(
                package=package,
                user=request.user,
                envelopes=ceremony_payload_parse(form.cleaned_data["payload"]),
                context=audit_context(request),
            )
        except CeremonyRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The tender keys are made. The tender can be published."))
            return HttpResponseRedirect(
                portal_url(request.portal, "tenders:publication", package_id=package.pk)
            )
    holders = key_holders(package)
    members = [
        {
            "fingerprint": holder.key.fingerprint,
            "publicKey": b64u_encode(bytes(holder.key.public_key)),
        }
        for holder in holders
        if holder.key is not None
    ]
    context = {
        "package": package,
        "form": form,
        "holders": holders,
        "threshold": opening_threshold(package),
        "keys": tender_keys(package),
        "blockers": ceremony_blockers(package),
        "can_make": package.state == PackageState.ASSIGNED
        and len(members) >= opening_threshold(package),
        "ceremony": json.dumps(
            {
                "tender": str(package.code),
                "envelopes": list(envelopes_for(package)),
                "threshold": opening_threshold(package),
                "members": members,
            }
        ),
    }
    return render(request, "bids/tender_keys.html", context)
