"""The portal administrator's announcement pages: list, write (with a preview), change,
delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role
from inaproc.announcements.access import access_staff_announcement
from inaproc.announcements.forms import AnnouncementForm
from inaproc.announcements.markdown import markdown_render
from inaproc.announcements.models import Announcement
from inaproc.announcements.selectors import announcement_list_staff
from inaproc.announcements.services import (
    ANNOUNCEMENT_FIELDS,
    announcement_create,
    announcement_delete,
    announcement_update,
)
from inaproc.core.http import audit_context
from inaproc.portals.urls_helpers import portal_url

PAGE_SIZE = 50


@require_GET
@portal_role_required(Role.PORTAL_ADMIN)
def staff_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(announcement_list_staff(portal=request.portal), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "announcements/staff_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PORTAL_ADMIN)
def staff_create_view(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = AnnouncementForm(_posted(request), initial={"publish_at": now})
    if _ready_to_save(request, form):
        try:
            announcement_create(
                portal=request.portal,
                actor=request.user,
                values=form.cleaned_data,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The announcement is saved."))
            return HttpResponseRedirect(portal_url(request.portal, "announcements:staff_list"))
    return _form_page(request, form, announcement=None)


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PORTAL_ADMIN)
def staff_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = access_staff_announcement(
        portal=request.portal, user=request.user, announcement_id=pk
    )
    initial = {name: getattr(announcement, name) for name in ANNOUNCEMENT_FIELDS}
    form = AnnouncementForm(_posted(request), initial=initial)
    if _ready_to_save(request, form):
        try:
            changed = announcement_update(
                announcement=announcement,
                actor=request.user,
                values=form.cleaned_data,
                context=audit_context(request),
            )
        except Announcement.DoesNotExist as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = _("The announcement is saved.") if changed else _("Nothing was changed.")
            messages.success(request, text)
            return HttpResponseRedirect(portal_url(request.portal, "announcements:staff_list"))
    return _form_page(request, form, announcement=announcement)


@require_http_methods(["GET", "POST"])
@portal_role_required(Role.PORTAL_ADMIN)
def staff_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    announcement = access_staff_announcement(
        portal=request.portal, user=request.user, announcement_id=pk
    )
    if request.method == "POST":
        announcement_delete(
            announcement=announcement, actor=request.user, context=audit_context(request)
        )
        messages.success(
            request, _("The announcement “%(title)s” is deleted.") % {"title": announcement.title}
        )
        return HttpResponseRedirect(portal_url(request.portal, "announcements:staff_list"))
    return render(request, "announcements/staff_delete.html", {"announcement": announcement})


def _posted(request: HttpRequest) -> object:
    return request.POST if request.method == "POST" else None


def _ready_to_save(request: HttpRequest, form: Form) -> bool:
    """A valid form sent with the save button (the preview button only shows the text)."""
    return request.method == "POST" and form.is_valid() and "preview" not in request.POST


def _form_page(
    request: HttpRequest, form: AnnouncementForm, *, announcement: Announcement | None
) -> HttpResponse:
    preview = None
    if form.is_bound and "preview" in request.POST and "body" in form.cleaned_data:
        preview = markdown_render(form.cleaned_data["body"])
    context = {"form": form, "announcement": announcement, "preview": preview}
    return render(request, "announcements/staff_form.html", context)
