"""A vendor's document types, the `document:<kind>` key that names one in errors and
notes, and the types that may have several files. Which of them a company must have is
`vendors.companies.documents`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    NIB = "nib", _("NIB (business identification number)")
    NPWP_CARD = "npwp_card", _("NPWP card")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    DEED_OF_ESTABLISHMENT = "deed_of_establishment", _("Deed of establishment")
    REPRESENTATIVE_ID = "representative_id", _("Representative's ID card")


# Errors of the registration services and a verifier's notes name a field by its name and
# a document type as `document:<kind>`.
DOCUMENT_KEY_PREFIX = "document:"


def document_key(kind: str) -> str:
    return f"{DOCUMENT_KEY_PREFIX}{kind}"


# Kinds a vendor may upload several files of (several licences; a deed and its amendments).
MULTIPLE_ALLOWED = frozenset({DocumentKind.BUSINESS_LICENCE, DocumentKind.DEED_OF_ESTABLISHMENT})
