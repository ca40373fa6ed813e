"""The schedule page of a package (its runner; its PPK while it is a draft) and the
portal administrator's tender settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_ppk, access_package_as_runner
from inaproc.tenders.forms.schedule import ScheduleForm, TenderSettingsForm
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.schedule_rules import DEFAULT_MINIMUM_STAGE_DAYS
from inaproc.tenders.selectors.schedule import (
    schedule_history,
    schedule_stages,
    schedule_template_of,
    tender_settings_of,
)
from inaproc.tenders.services.schedule import (
    schedule_change,
    schedule_set,
    tender_settings_update,
)


def _package_for_schedule(request: SignedInRequest, package_id: int) -> Package:
    """The runner's package (not a draft), or the PPK's while it is a draft."""
    try:
        return access_package_as_runner(
            portal=request.portal, user=request.user, package_id=package_id
        )
    except Http404:
        package = access_package_as_ppk(
            portal=request.portal, user=request.user, package_id=package_id
        )
        if package.state != PackageState.DRAFT:
            raise
        return package


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.POKJA, Role.PEJABAT_PENGADAAN, Role.PPK)
def schedule_edit_view(request: SignedInRequest, package_id: int) -> HttpResponse:
    package = _package_for_schedule(request, package_id)
    template = schedule_template_of(package)
    stages = list(schedule_stages(package))
    published = package.state == PackageState.PUBLISHED
    form = None
    if template is not None and package.state != PackageState.CANCELLED:
        form = ScheduleForm(
            request.POST if request.method == "POST" else None,
            template=template,
            stages=stages,
            published=published,
        )
        if request.method == "POST" and form.is_valid():
            try:
                _save(request, package, form, published=published)
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
            else:
                messages.success(request, _("The schedule is saved."))
                return HttpResponseRedirect(
                    portal_url(request.portal, "tenders:schedule_edit", package_id=package.pk)
                )
    context = {
        "package": package,
        "template": template,
        "form": form,
        "published": published,
        "history": list(schedule_history(package)) if published else [],
    }
    return render(request, "tenders/schedule_edit.html", context)


def _save(
    request: SignedInRequest, package: Package, form: ScheduleForm, *, published: bool
) -> None:
    if published:
        schedule_change(
            package=package,
            times=form.changed_times(),
            reason=form.cleaned_data["reason"],
            by=request.user,
            context=audit_context(request),
        )
    else:
        schedule_set(
            package=package, times=form.times(), by=request.user, context=audit_context(request)
        )


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PORTAL_ADMIN)
@second_factor_fresh_required
def tender_settings_view(request: SignedInRequest) -> HttpResponse:
    settings = tender_settings_of(request.portal)
    form = TenderSettingsForm(request.POST if request.method == "POST" else None, settings=settings)
    if request.method == "POST" and form.is_valid():
        try:
            tender_settings_update(
                portal=request.portal,
                outage_grace_margin_minutes=form.cleaned_data["outage_grace_margin_minutes"],
                minimum_stage_days=form.minimum_stage_days(),
                by=request.user,
                context=audit_context(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The tender settings are saved."))
            return HttpResponseRedirect(portal_url(request.portal, "tenders:tender_settings"))
    context = {"form": form, "defaults": DEFAULT_MINIMUM_STAGE_DAYS}
    return render(request, "tenders/tender_settings.html", context)
