"""The officials' package pages (staf/paket/...): create, detail, edit, assign, return,
documents and addenda. Thin: access -> form -> service -> redirect or page."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from inaproc.accounts.decorators import (
    portal_login_required,
    portal_role_required,
    second_factor_fresh_required,
)
from inaproc.accounts.http import SignedInRequest
from inaproc.accounts.models import OFFICIAL_ROLES, Role
from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.access import access_package_as_official, is_runner
from inaproc.tenders.forms.packages import (
    AddendumForm,
    AssignForm,
    DocumentForm,
    PackageForm,
    ReturnForm,
)
from inaproc.tenders.models import Package, PackageState, TenderDocument, TenderDocumentKind
from inaproc.tenders.selectors.invitations import by_invitation, invitation_rows
from inaproc.tenders.selectors.packages import (
    assignable_runners,
    package_documents,
    package_for_detail,
)
from inaproc.tenders.selectors.participation import clarification_open
from inaproc.tenders.services.documents import tender_document_add
from inaproc.tenders.services.packages import (
    PPK_EDITS,
    RUNNER_EDITS,
    package_assign,
    package_create,
    package_editor_kind,
    package_return_to_ppk,
    package_update,
)
from inaproc.tenders.stages import TEMPLATES, stage_name

officials_only = portal_role_required(*sorted(OFFICIAL_ROLES))


def _detail_url(package: Package) -> str:
    return portal_url(package.portal, "tenders:package_detail", pk=package.pk)


def _posted(request: SignedInRequest):
    return request.POST if request.method == "POST" else None


def _refused(request: SignedInRequest, package: Package, message: str) -> HttpResponse:
    """The package is reachable but not for this action now: 403 with the reason."""
    return render(
        request,
        "tenders/staff/package_refused.html",
        {"package": package, "message": message},
        status=403,
    )


def _not_editable_message(package: Package) -> str:
    if package.state == PackageState.ASSIGNED:
        return _(
            "This package is with its Pokja or Pejabat Pengadaan: only they change it now, "
            "or return it to you."
        )
    if package.state == PackageState.DRAFT:
        return _("This package is back with its PPK: only the PPK changes it now.")
    return _("This package is published or cancelled: nobody changes its data any more.")


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PPK)
def package_create_view(request: SignedInRequest) -> HttpResponse:
    form = PackageForm(_posted(request), initial=PackageForm.initial_new(request.portal))
    if request.method == "POST" and form.is_valid():
        try:
            package = package_create(
                portal=request.portal,
                ppk=request.user,
                values=form.cleaned_data,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Package %(code)s is saved as a draft.") % {"code": package.code}
            )
            return HttpResponseRedirect(_detail_url(package))
    return render(request, "tenders/staff/package_form.html", {"form": form, "package": None})


@require_http_methods(["GET", "POST"])
@officials_only
def package_edit_view(request: SignedInRequest, pk: int) -> HttpResponse:
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    if package_editor_kind(package=package, user=request.user) is None:
        return _refused(request, package, _not_editable_message(package))
    form = PackageForm(_posted(request), initial=PackageForm.initial_for(package))
    if request.method == "POST" and form.is_valid():
        try:
            changed = package_update(
                package=package,
                by=request.user,
                values=form.cleaned_data,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = _("The package is saved.") if changed else _("Nothing was changed.")
            messages.success(request, text)
            return HttpResponseRedirect(_detail_url(package))
    return render(request, "tenders/staff/package_form.html", {"form": form, "package": package})


@require_http_methods(["GET"])
@officials_only
def package_detail_view(request: SignedInRequest, pk: int) -> HttpResponse:
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    package = package_for_detail(package=package)
    editor = package_editor_kind(package=package, user=request.user)
    is_ppk = package.ppk_id == request.user.pk
    template = TEMPLATES.get(package.schedule_template)
    context = {
        "package": package,
        "documents": package_documents(package=package),
        "locations": list(package.locations.all()),
        "kbli": list(package.kbli.all()),
        "stages": [
            (stage, stage_name(stage.key))
            for stage in sorted(package.stages.all(), key=lambda stage: stage.position)
        ],
        "approvals": list(package.approvals.all()),
        "invitations": invitation_rows(package) if by_invitation(package) else None,
        "schedule_template": template,
        "may_edit": editor is not None,
        "may_assign": editor == PPK_EDITS and is_ppk,
        "may_return": editor == RUNNER_EDITS,
        "may_add_documents": editor is not None,
        "may_add_addendum": package.state == PackageState.PUBLISHED
        and not is_ppk_only(package, request.user)
        and clarification_open(package, now=timezone.now()),
        "is_runner": not is_ppk_only(package, request.user),
        "may_edit_schedule": (editor == PPK_EDITS and is_ppk)
        or (
            package.state in (PackageState.ASSIGNED, PackageState.PUBLISHED)
            and not is_ppk_only(package, request.user)
        ),
    }
    return render(request, "tenders/staff/package_detail.html", context)


def is_ppk_only(package: Package, user) -> bool:
    """The user reaches the package as its PPK only (not as a runner)."""
    return not is_runner(package=package, user=user)


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PPK)
@second_factor_fresh_required
def package_assign_view(request: SignedInRequest, pk: int) -> HttpResponse:
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    if package_editor_kind(package=package, user=request.user) != PPK_EDITS:
        return _refused(request, package, _("Only the PPK assigns a draft package."))
    pokjas, officials = assignable_runners(package=package, ppk=request.user)
    form = AssignForm(_posted(request), pokjas=pokjas, officials=officials)
    if request.method == "POST" and form.is_valid():
        pokja, official = form.chosen()
        try:
            package = package_assign(
                package=package,
                by=request.user,
                pokja=pokja,
                pejabat_pengadaan=official,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The package is assigned."))
            return HttpResponseRedirect(_detail_url(package))
    context = {"form": form, "package": package, "nobody": not pokjas and not officials}
    return render(request, "tenders/staff/package_assign.html", context)


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.POKJA, Role.PEJABAT_PENGADAAN)
def package_return_view(request: SignedInRequest, pk: int) -> HttpResponse:
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    if package_editor_kind(package=package, user=request.user) != RUNNER_EDITS:
        return _refused(request, package, _not_editable_message(package))
    form = ReturnForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            package_return_to_ppk(
                package=package,
                by=request.user,
                reason=form.cleaned_data["reason"],
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The package is returned to its PPK."))
            return HttpResponseRedirect(portal_url(request.portal, "tenders:staff_packages"))
    return render(request, "tenders/staff/package_return.html", {"form": form, "package": package})


@require_http_methods(["GET", "POST"])
@officials_only
def document_add_view(request: SignedInRequest, pk: int) -> HttpResponse:
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    if package_editor_kind(package=package, user=request.user) is None:
        return _refused(request, package, _not_editable_message(package))
    form = DocumentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            document = tender_document_add(
                package=package,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["upload"],
                note=form.cleaned_data["note"],
                by=request.user,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Version %(version)d is saved.") % {"version": document.version}
            )
            return HttpResponseRedirect(_detail_url(package))
    context = {"form": form, "package": package, "addendum": False}
    return render(request, "tenders/staff/document_form.html", context)


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.POKJA, Role.PEJABAT_PENGADAAN)
@second_factor_fresh_required
def addendum_add_view(request: SignedInRequest, pk: int) -> HttpResponse:
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    if is_ppk_only(package, request.user):
        return _refused(request, package, _("Only the Pokja of a tender publishes an addendum."))
    if not clarification_open(package, now=timezone.now()):
        return _refused(
            request,
            package,
            _("An addendum is published only during the Pemberian Penjelasan stage."),
        )
    form = AddendumForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            document = tender_document_add(
                package=package,
                kind=TenderDocumentKind.ADDENDUM,
                upload=form.cleaned_data["upload"],
                note=form.cleaned_data["note"],
                by=request.user,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Addendum version %(version)d is published and emailed to the participants.")
                % {"version": document.version},
            )
            return HttpResponseRedirect(_detail_url(package))
    context = {"form": form, "package": package, "addendum": True}
    return render(request, "tenders/staff/document_form.html", context)


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@portal_login_required
def document_download_view(request: SignedInRequest, pk: int, document_pk: int) -> HttpResponse:
    """A version of the package's documents for its officials (inline; `?download=1` as
    an attachment). Anyone else signed in gets the same 404 as for a missing file."""
    package = access_package_as_official(portal=request.portal, user=request.user, package_id=pk)
    document = get_object_or_404(TenderDocument, package=package, pk=document_pk)
    response = stored_file_response(request, document, download=request.GET.get("download") == "1")
    return cast(HttpResponse, response)
