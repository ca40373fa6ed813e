"""The officials' dashboard of packages and tenders (staf/paket/): a section per role
the user holds — the PPK's packages, the Pokja member's tenders and what needs doing,
the Pejabat Pengadaan's packages."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import OFFICIAL_ROLES, Role
from inaproc.tenders.selectors.dashboards import pejabat_packages, pokja_tenders, ppk_packages


@require_GET
@portal_role_required(*sorted(OFFICIAL_ROLES))
def staff_packages_view(request: SignedInRequest) -> HttpResponse:
    user, portal = request.user, request.portal
    context: dict[str, Any] = {
        "is_ppk": user.has_role(Role.PPK),
        "is_pokja": user.has_role(Role.POKJA),
        "is_pejabat_pengadaan": user.has_role(Role.PEJABAT_PENGADAAN),
    }
    pages = request.GET
    if context["is_ppk"]:
        context["ppk_rows"] = ppk_packages(portal=portal, user=user, page=pages.get("ppk_page"))
    if context["is_pokja"]:
        tenders = pokja_tenders(portal=portal, user=user, page=pages.get("pokja_page"))
        context["pokja_rows"] = tenders.page
        context["approvals_waiting"] = tenders.approvals_waiting
        context["questions_waiting"] = tenders.questions_waiting
    if context["is_pejabat_pengadaan"]:
        context["pp_rows"] = pejabat_packages(portal=portal, user=user, page=pages.get("pp_page"))
    return render(request, "tenders/staff/dashboard.html", context)
