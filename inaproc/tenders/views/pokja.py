"""The portal administrator's Pokja pages: the list, a new Pokja, a Pokja's page with
its members (add, remove, make chair), renaming it or changing its quorum, and
deactivating it. Every change asks for the second factor again after a while."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inaproc.accounts.decorators import portal_role_required, second_factor_fresh_required
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import Role
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_pokja, access_pokja_member, access_portal_user
from inaproc.tenders.forms.pokja import PokjaForm, PokjaMemberAddForm
from inaproc.tenders.models import Pokja
from inaproc.tenders.selectors.pokja import pokja_quorum
from inaproc.tenders.selectors.pokja_management import (
    pokja_candidates,
    pokja_is_assignable,
    pokja_members,
    pokja_rows,
)
from inaproc.tenders.services.pokja import (
    PokjaActionRefused,
    pokja_chair_set,
    pokja_create,
    pokja_deactivate,
    pokja_member_add,
    pokja_member_remove,
    pokja_reactivate,
    pokja_update,
)

admin_only = portal_role_required(Role.PORTAL_ADMIN)


def _detail_url(request: SignedInRequest, pokja: Pokja) -> str:
    return portal_url(request.portal, "tenders:pokja_detail", pokja_id=pokja.pk)


def _pokja(request: SignedInRequest, pokja_id: int) -> Pokja:
    return access_pokja(portal=request.portal, pokja_id=pokja_id)


@require_GET
@never_cache
@admin_only
def pokja_list_view(request: SignedInRequest) -> HttpResponse:
    return render(request, "tenders/pokja/list.html", {"rows": pokja_rows(portal=request.portal)})


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def pokja_create_view(request: SignedInRequest) -> HttpResponse:
    form = PokjaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            pokja = pokja_create(
                portal=request.portal,
                actor=request.user,
                context=audit_context(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The Pokja %(name)s is created. Add its members and name its chair.")
                % {"name": pokja.name},
            )
            return HttpResponseRedirect(_detail_url(request, pokja))
    return render(request, "tenders/pokja/form.html", {"form": form, "pokja": None})


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def pokja_update_view(request: SignedInRequest, pokja_id: int) -> HttpResponse:
    pokja = _pokja(request, pokja_id)
    form = PokjaForm(
        request.POST if request.method == "POST" else None,
        initial={"name": pokja.name, "quorum": pokja.quorum},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = pokja_update(
                pokja=pokja, actor=request.user, context=audit_context(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if changed:
                messages.success(request, _("The Pokja is saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return HttpResponseRedirect(_detail_url(request, pokja))
    return render(request, "tenders/pokja/form.html", {"form": form, "pokja": pokja})


def _detail_page(
    request: SignedInRequest, pokja: Pokja, form: PokjaMemberAddForm | None = None
) -> HttpResponse:
    members = list(pokja_members(pokja=pokja))
    candidates = list(pokja_candidates(pokja=pokja))
    context = {
        "pokja": pokja,
        "members": members,
        "has_chair": any(member.is_chair for member in members),
        "quorum": pokja_quorum(pokja, member_count=len(members)),
        "assignable": pokja_is_assignable(pokja=pokja),
        "form": form or PokjaMemberAddForm(candidates=candidates),
        "candidates": candidates,
    }
    return render(request, "tenders/pokja/detail.html", context)


@require_GET
@never_cache
@admin_only
def pokja_detail_view(request: SignedInRequest, pokja_id: int) -> HttpResponse:
    return _detail_page(request, _pokja(request, pokja_id))


@require_POST
@never_cache
@admin_only
@second_factor_fresh_required
def pokja_member_add_view(request: SignedInRequest, pokja_id: int) -> HttpResponse:
    pokja = _pokja(request, pokja_id)
    form = PokjaMemberAddForm(request.POST, candidates=list(pokja_candidates(pokja=pokja)))
    if form.is_valid():
        user = access_portal_user(portal=request.portal, user_id=form.cleaned_data["user"])
        try:
            pokja_member_add(
                pokja=pokja, user=user, actor=request.user, context=audit_context(request)
            )
        except PokjaActionRefused as refused:
            form.add_error("user", refused.message)
        else:
            messages.success(
                request,
                _("%(user)s is now a member of the Pokja.")
                % {"user": user.full_name or user.username},
            )
            return HttpResponseRedirect(_detail_url(request, pokja))
    return _detail_page(request, pokja, form)


@require_POST
@never_cache
@admin_only
@second_factor_fresh_required
def pokja_chair_view(request: SignedInRequest, pokja_id: int, member_id: int) -> HttpResponse:
    pokja = _pokja(request, pokja_id)
    member = access_pokja_member(pokja=pokja, member_id=member_id)
    try:
        pokja_chair_set(
            pokja=pokja, member_id=member.pk, actor=request.user, context=audit_context(request)
        )
    except PokjaActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(user)s is the chair of the Pokja.")
            % {"user": member.user.full_name or member.user.username},
        )
    return HttpResponseRedirect(_detail_url(request, pokja))


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def pokja_member_remove_view(
    request: SignedInRequest, pokja_id: int, member_id: int
) -> HttpResponse:
    pokja = _pokja(request, pokja_id)
    member = access_pokja_member(pokja=pokja, member_id=member_id)
    error = ""
    if request.method == "POST":
        try:
            pokja_member_remove(
                pokja=pokja, member_id=member.pk, actor=request.user, context=audit_context(request)
            )
        except PokjaActionRefused as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("%(user)s is no longer a member of the Pokja.")
                % {"user": member.user.full_name or member.user.username},
            )
            return HttpResponseRedirect(_detail_url(request, pokja))
    context = {"action": "remove", "pokja": pokja, "member": member, "error": error}
    return render(request, "tenders/pokja/confirm.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@admin_only
@second_factor_fresh_required
def pokja_active_view(request: SignedInRequest, pokja_id: int) -> HttpResponse:
    """Deactivate an active Pokja, or reactivate an inactive one (GET asks first)."""
    pokja = _pokja(request, pokja_id)
    action = "deactivate" if pokja.is_active else "reactivate"
    error = ""
    if request.method == "POST":
        service = pokja_deactivate if pokja.is_active else pokja_reactivate
        try:
            service(pokja=pokja, actor=request.user, context=audit_context(request))
        except PokjaActionRefused as refused:
            error = refused.message
        else:
            if action == "deactivate":
                messages.success(request, _("The Pokja is deactivated."))
            else:
                messages.success(request, _("The Pokja is active again."))
            return HttpResponseRedirect(_detail_url(request, pokja))
    context = {"action": action, "pokja": pokja, "error": error}
    return render(request, "tenders/pokja/confirm.html", context)
