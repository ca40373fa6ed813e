"""The portal administrator's maintenance windows: the list, the schedule form and the
cancel button. Windows for every portal are the platform operator's (a command).
Beside them, the incidents the administrator records after an outage."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.announcements.access import access_portal_window
from inaproc.announcements.forms import IncidentForm, MaintenanceForm
from inaproc.announcements.selectors import incident_list_staff, maintenance_list_staff
from inaproc.announcements.services import (
    incident_record,
    maintenance_cancel,
    maintenance_schedule,
)
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PORTAL_ADMIN)
def maintenance_view(request: SignedInRequest) -> HttpResponse:
    form = MaintenanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            maintenance_schedule(
                portal=request.portal,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                notice_from=data["notice_from"],
                message=data["message"],
                context=audit_context(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error("notice_hours" if field == "notice_from" else field, errors)
        else:
            messages.success(request, _("The maintenance window is scheduled."))
            return HttpResponseRedirect(portal_url(request.portal, "announcements:maintenance"))
    context = {"form": form, **maintenance_list_staff(portal=request.portal)}
    return render(request, "announcements/maintenance_staff.html", context)


@require_POST
@portal_role_required(Role.PORTAL_ADMIN)
def maintenance_cancel_view(request: SignedInRequest, pk: int) -> HttpResponse:
    window = access_portal_window(portal=request.portal, user=request.user, window_id=pk)
    if maintenance_cancel(window=window, actor=request.user, context=audit_context(request)):
        messages.success(request, _("The maintenance window is cancelled."))
    else:
        messages.error(
            request, _("This window was already cancelled or is over. Nothing was changed.")
        )
    return HttpResponseRedirect(portal_url(request.portal, "announcements:maintenance"))


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PORTAL_ADMIN)
@second_factor_fresh_required
def incident_view(request: SignedInRequest) -> HttpResponse:
    """Record an outage that is over: it may move bid deadlines (a sensitive action)."""
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident_record(
                portal=request.portal,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                description=data["description"],
                context=audit_context(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(
                request,
                _(
                    "The incident is recorded. Bid deadlines in the 24 hours after it began "
                    "are extended in a moment, and the participants are emailed."
                ),
            )
            return HttpResponseRedirect(portal_url(request.portal, "announcements:incidents"))
    context = {"form": form, "incidents": incident_list_staff(portal=request.portal)}
    return render(request, "announcements/incidents_staff.html", context)
