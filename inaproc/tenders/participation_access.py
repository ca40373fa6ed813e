"""Who may reach a tender as a vendor: any published or cancelled tender of this portal
(to join it), and a tender the company takes part in (its documents, questions and
answers). Missing, another portal's and not taking part look the same (404)."""

from django.http import Http404

from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, Participation, Question, TenderDocument
from inaproc.tenders.selectors.participation import package_public_by_code
from inaproc.vendors.models import CompanyMember


def access_public_tender(*, portal: Portal, code: int) -> Package:
    package = package_public_by_code(portal=portal, code=code)
    if package is None:
        raise Http404
    return package


def access_participation(*, portal: Portal, member: CompanyMember, code: int) -> Participation:
    """The company's participation in tender `code` of this portal."""
    package = access_public_tender(portal=portal, code=code)
    if member.company.portal_id != portal.pk:
        raise Http404
    participation = Participation.objects.filter(package=package, company=member.company).first()
    if participation is None:
        raise Http404
    participation.package = package
    return participation


def access_participant_document(
    *, participation: Participation, document_id: int
) -> TenderDocument:
    document = TenderDocument.objects.filter(
        package_id=participation.package_id, pk=document_id
    ).first()
    if document is None:
        raise Http404
    return document


def access_question(*, package: Package, question_id: int) -> Question:
    question = (
        Question.objects.select_related("participation__company")
        .filter(package=package, pk=question_id)
        .first()
    )
    if question is None:
        raise Http404
    return question
