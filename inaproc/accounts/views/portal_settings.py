"""The portal administrator's settings pages: second-factor policy, helpdesk contacts."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.forms.portal_settings import PortalContactsForm, PortalFactorSettingsForm
from inaproc.accounts.models import Role
from inaproc.accounts.services.factor_policy import portal_factor_settings_update
from inaproc.accounts.services.portal_settings import PORTAL_CONTACT_FIELDS, portal_contacts_update
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(Role.PORTAL_ADMIN)
@second_factor_fresh_required
def portal_factor_settings_view(request: HttpRequest) -> HttpResponse:
    portal = request.portal
    # Not bound to the portal instance: the service alone changes it (and audits).
    fields = PortalFactorSettingsForm._meta.fields
    form = PortalFactorSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(portal, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        changed = portal_factor_settings_update(
            portal=portal,
            actor=request.user,
            values=form.cleaned_data,
            context=audit_context(request),
        )
        messages.success(
            request,
            _("The second-factor policy is saved.") if changed else _("Nothing was changed."),
        )
        return HttpResponseRedirect(portal_url(portal, "accounts:portal_factor_settings"))
    return render(request, "accounts/portal_factor_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(Role.PORTAL_ADMIN)
@second_factor_fresh_required
def portal_contacts_view(request: HttpRequest) -> HttpResponse:
    portal = request.portal
    # Not bound to the portal instance: the service alone changes it (and audits).
    form = PortalContactsForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(portal, name) for name in PORTAL_CONTACT_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        changed = portal_contacts_update(
            portal=portal,
            actor=request.user,
            values=form.cleaned_data,
            context=audit_context(request),
        )
        messages.success(
            request,
            _("The helpdesk contacts are saved.") if changed else _("Nothing was changed."),
        )
        return HttpResponseRedirect(portal_url(portal, "accounts:portal_contacts"))
    return render(request, "accounts/portal_contacts.html", {"form": form})
