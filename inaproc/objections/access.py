"""Who reaches an objection, an appeal and their files: the objector's company (through
its participation), the tender's runners, the budget holder's clerks (the PPK, a portal
administrator). Missing, another portal's and not yours look the same (404)."""

from django.http import Http404

from inaproc.accounts.models import User
from inaproc.objections.models import Appeal, Objection, ObjectionAttachment
from inaproc.objections.services.appeals import may_decide_appeals
from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, PackageState


def access_objection(*, package: Package, objection_id: int) -> Objection:
    """An objection of `package` (already reached through its own chokepoint)."""
    objection = (
        Objection.objects.select_related("participation__company", "package")
        .filter(package=package, pk=objection_id)
        .first()
    )
    if objection is None:
        raise Http404
    return objection


def access_attachment(*, objection: Objection, attachment_id: int) -> ObjectionAttachment:
    attachment = ObjectionAttachment.objects.filter(objection=objection, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def access_package_for_appeals(*, portal: Portal, user: User, package_id: int) -> Package:
    """A published or finished package of this portal for its PPK or a portal
    administrator (who enter the budget holder's decisions)."""
    package = (
        Package.objects.select_related("portal", "ppk", "pokja")
        .filter(portal=portal, pk=package_id)
        .exclude(state__in=(PackageState.DRAFT, PackageState.ASSIGNED))
        .first()
    )
    if package is None or not may_decide_appeals(package=package, user=user):
        raise Http404
    return package


def access_appeal(*, package: Package, appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related("objection__participation__company", "objection__package")
        .filter(objection__package=package, pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise Http404
    return appeal
