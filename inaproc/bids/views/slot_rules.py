"""The runners' page of the bid's rules: per part, the largest file and the file types."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.http import SignedInRequest
from inaproc.bids.forms import SlotRuleForm
from inaproc.bids.selectors.bids import slot_rules
from inaproc.bids.services.keys import KEY_HOLDER_ROLES
from inaproc.bids.services.slot_rules import (
    SlotRulesRefused,
    slot_rules_editable,
    slot_rules_set,
)
from inaproc.bids.slots import slots_for
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_runner
from inaproc.tenders.selectors.participation import package_with_stages


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(*KEY_HOLDER_ROLES)
def slot_rules_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = access_package_as_runner(
        portal=request.portal, user=request.user, package_id=package_id
    )
    package_with_stages(package, list(package.stages.all()))
    current = slot_rules(package)
    editable = slot_rules_editable(package, now=timezone.now())
    forms = [
        (
            slot,
            SlotRuleForm(
                request.POST or None,
                prefix=slot.code,
                initial={
                    "max_file_mb": current[slot.code][0],
                    "extensions": ", ".join(current[slot.code][1]),
                },
            ),
        )
        for slot in slots_for(package)
        if not slot.is_letter
    ]
    if request.method == "POST" and editable and all(form.is_valid() for _slot, form in forms):
        try:
            slot_rules_set(
                package=package,
                user=request.user,
                rules={
                    slot.code: (form.cleaned_data["max_file_mb"], form.cleaned_data["extensions"])
                    for slot, form in forms
                },
                context=audit_context(request),
            )
        except SlotRulesRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The rules of the bid are saved."))
        return HttpResponseRedirect(
            portal_url(request.portal, "bids:slot_rules", package_id=package.pk)
        )
    return render(
        request,
        "bids/slot_rules.html",
        {"package": package, "forms": forms, "editable": editable},
    )
