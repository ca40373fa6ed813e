"""The portal administrator's settings pages: second-factor policy, helpdesk contacts."""

from collections.abc import Callable, Iterable

from django import forms
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


def _settings_page(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    fields: Iterable[str],
    update: Callable[..., list[str]],
    saved: str,
    url_name: str,
    template: str,
) -> HttpResponse:
    """A settings form of the portal: shown with the portal's values, saved through the
    service `update` (which alone changes the portal, and audits), then back to itself.
    The form is not bound to the portal instance, so nothing changes unless saved."""
    portal = request.portal
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(portal, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        changed = update(
            portal=portal,
            actor=request.user,
            values=form.cleaned_data,
            context=audit_context(request),
        )
        messages.success(request, saved if changed else _("Nothing was changed."))
        return HttpResponseRedirect(portal_url(portal, url_name))
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(Role.PORTAL_ADMIN)
@second_factor_fresh_required
def portal_factor_settings_view(request: HttpRequest) -> HttpResponse:
    return _settings_page(
        request,
        form_class=PortalFactorSettingsForm,
        fields=PortalFactorSettingsForm._meta.fields,
        update=portal_factor_settings_update,
        saved=_("The second-factor policy is saved."),
        url_name="accounts:portal_factor_settings",
        template="accounts/portal_factor_settings.html",
    )


@require_http_methods(["GET", "POST"])
@never_cache
@portal_role_required(Role.PORTAL_ADMIN)
@second_factor_fresh_required
def portal_contacts_view(request: HttpRequest) -> HttpResponse:
    return _settings_page(
        request,
        form_class=PortalContactsForm,
        fields=PORTAL_CONTACT_FIELDS,
        update=portal_contacts_update,
        saved=_("The helpdesk contacts are saved."),
        url_name="accounts:portal_contacts",
        template="accounts/portal_contacts.html",
    )
