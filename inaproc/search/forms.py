"""The GET forms of the platform root: the national search (the portal list's
vocabulary: `tenders.forms.public`) and the portal directory; and the name of a saved
search. An invalid value gets a message next to its field and filters nothing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.reference.regions import Province
from inaproc.search.filters import SearchFilters, Sort
from inaproc.tenders.forms.public import (
    QUERY_MAX_LENGTH,
    QuickChoiceField,
    QuickInput,
    QuickSelect,
    TenderFilterForm,
)

# Results per page: `n` asks for another size within these bounds.
PAGE_SIZE = 20
PAGE_SIZE_MAX = 100


def page_size(value: str | None) -> int:
    """`n` of the query string: a whole number from 1 to PAGE_SIZE_MAX, else the default
    (0, -1, garbage); a larger one is cut to the maximum."""
    try:
        size = int((value or "").strip())
    except ValueError:
        return PAGE_SIZE
    if size < 1:
        return PAGE_SIZE
    return min(size, PAGE_SIZE_MAX)


class NationalSearchForm(TenderFilterForm):
    """The portal list's form with a portal, a city and relevance; without its
    institution field (the words search the institution already)."""

    field_order = [
        "q",
        "portal",
        "jenis",
        "metode",
        "tahun",
        "tahap",
        "lokasi",
        "kota",
        "hps_min",
        "hps_max",
        "kbli",
        "urut",
    ]

    q = forms.CharField(
        label=_("Search"),
        help_text=_(
            "Words of the package name, its RUP name, the institution or the work unit; "
            "or a tender code."
        ),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=QuickInput(attrs={"type": "search"}),
    )
    instansi = None  # type: ignore[assignment]
    portal = QuickChoiceField(label=_("Portal (LPSE)"), required=False, widget=QuickSelect)
    kota = forms.CharField(
        label=_("City or regency"), required=False, max_length=100, widget=QuickInput
    )
    urut = QuickChoiceField(
        widget=QuickSelect,
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Relevance (newest first without words)")),
            (Sort.NEWEST, _("Newest first")),
            (Sort.DEADLINE, _("End of the current stage, soonest first")),
            (Sort.HPS_DESC, _("HPS, highest first")),
            (Sort.HPS_ASC, _("HPS, lowest first")),
        ],
    )

    def __init__(self, *args, portals: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        portal_field = self.fields["portal"]
        assert isinstance(portal_field, QuickChoiceField)  # noqa: S101 (declared above)
        portal_field.choices = [("", _("All portals")), *portals]

    def filters(self) -> SearchFilters:  # type: ignore[override]
        """The valid values as filters; an invalid one is left out (its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return SearchFilters(
            q=(data.get("q") or "").strip(),
            portal=data.get("portal") or "",
            procurement_type=data.get("jenis") or "",
            selection_method=data.get("metode") or "",
            budget_year=data.get("tahun"),
            stage=data.get("tahap") or "",
            province=data.get("lokasi") or "",
            city=(data.get("kota") or "").strip(),
            hps_min=data.get("hps_min"),
            hps_max=data.get("hps_max"),
            kbli=data.get("kbli") or "",
            sort=data.get("urut") or "",
        )


class DirectoryForm(forms.Form):
    lpse = forms.CharField(
        label=_("Name, institution or region"),
        help_text=_("For example: Bandung, Kementerian Keuangan, Jawa."),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=QuickInput(attrs={"type": "search"}),
    )
    wilayah = QuickChoiceField(
        widget=QuickSelect,
        label=_("With tenders in the province"),
        required=False,
        choices=[("", _("All provinces")), *Province.choices],
    )

    def values(self) -> tuple[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return (data.get("lpse") or "").strip(), data.get("wilayah") or ""


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=100)
